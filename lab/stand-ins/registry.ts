// What the lab's "registry" holds, for the cosign and crane stand-ins: the image catalog's tags and chart packages.
import { existsSync } from "node:fs";
import { resolveImage } from "../products/catalog.js";

/** True when `ref` names an image the lab can run (a known repository at a published tag). */
export function imageExists(ref: string): boolean {
  return resolveImage(ref).kind === "product";
}

/** A chart reference as the runbooks verify it: `<path>.tgz:<version>` for a packaged lab chart. */
export function chartExists(ref: string): boolean {
  const m = /^(.*\.tgz):([^/]+)$/.exec(ref);
  return m?.[1] !== undefined && existsSync(m[1]);
}
