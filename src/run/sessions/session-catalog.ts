// The catalog a verb uses for one runbook file: the caller's catalog, or the one its resolver finds for that file.
import { resolve } from "node:path";
import type { ActionCatalog } from "../../contract/action.js";
import type { SessionOptions } from "./session-options.js";

/** The catalog for `file` (relative to the session's folder); its problem is said and gives undefined. */
export async function catalogFor(opts: SessionOptions, file: string): Promise<ActionCatalog | undefined> {
  if (typeof opts.catalog !== "function") return opts.catalog;
  const found = await opts.catalog(resolve(opts.cwd, file));
  if ("problem" in found) {
    opts.say(found.problem.trimEnd());
    return undefined;
  }
  if (found.warnings) opts.say(found.warnings.trimEnd());
  return found.catalog;
}
