// `rbx schema`: print the runbook JSON Schema for editors and other tools, with the project's own actions in it.

import { resolve } from "node:path";
import { runbookSchemaFor, schemaText } from "../../parser/schema/build-schema.js";
import { readSchemaText } from "../../parser/schema/runbook-schema.js";
import type { CliIO } from "../io.js";
import { cliCatalog } from "../project-catalog.js";
import { parseCommandLine } from "../run-options.js";

/** Shown by `rbx schema --help`. */
export const usage = `Usage: rbx schema [--config FILE]

Print the JSON Schema (2020-12) of rbx/v1 runbooks, including every action's \`with:\`: the built-ins and
the project's own actions listed under \`actions:\` in the .rbx.yaml found from the current directory up
(or given with --config). Editors that use yaml-language-server pick it up from a first line such as
  # yaml-language-server: $schema=../schema/runbook.schema.json
With project actions, write it into the project and point that line at it:
  rbx schema > .rbx/runbook.schema.json

Exit status: 0 printed, 2 usage error or an action module that cannot be used.
`;

/** Write the schema to stdout: the committed one, or one generated for the project's catalog. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("schema", usage, argv, { options: { config: { type: "string" } } }, io);
  if (!parsed) return 2;
  const configFile = parsed.values.config;
  const catalog = await cliCatalog(
    "schema",
    io,
    { near: io.cwd, ...(configFile ? { configFile: resolve(io.cwd, configFile) } : {}) },
    true,
  );
  if (!catalog) return 2;
  io.stdout.write(catalog.committedSchema ? readSchemaText() : schemaText(runbookSchemaFor(catalog.actions)));
  return 0;
}
