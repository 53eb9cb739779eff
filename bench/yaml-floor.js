// The YAML floor of validating or linting a directory: one process, one thread, that imports the pinned yaml
// package and runs parseDocument (rbx's options) on every *.rb.yaml file under a directory, as rbx reads them.
// Usage: node bench/yaml-floor.js DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";

const dir = process.argv[2];
let errors = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith(".rb.yaml")) continue;
  const doc = parseDocument(readFileSync(join(dir, name), "utf8"), {
    keepSourceTokens: true,
    uniqueKeys: false,
    prettyErrors: false,
  });
  errors += doc.errors.length;
}
if (errors > 0) throw new Error(`${errors} YAML errors under ${dir}`);
