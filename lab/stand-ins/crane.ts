// `crane` for the lab: `crane digest REF` prints a digest for the lab's images and fails like a registry for a
// tag that was never published.
import { createHash } from "node:crypto";
import { imageExists } from "./registry.js";

const [cmd, ref] = process.argv.slice(2);
if (cmd !== "digest" || !ref) {
  process.stderr.write("rbx lab crane: only `crane digest REF` is supported\n");
  process.exit(2);
}
if (!imageExists(ref)) {
  process.stderr.write(
    `Error: fetching manifest ${ref}: GET https://${ref.split("/")[0]}/v2/: MANIFEST_UNKNOWN: manifest unknown\n`,
  );
  process.exit(1);
}
process.stdout.write(`sha256:${createHash("sha256").update(ref).digest("hex")}\n`);
