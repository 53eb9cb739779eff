// `rbx schema`: print the runbook JSON Schema for editors and other tools, with the project's own actions in it.

import { resolve } from "node:path";
import { readSchemaText } from "../../parser/schema/runbook-schema.js";
import { parseCommandLine } from "../command-line.js";
import type { CliIO } from "../io.js";

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
  const parsed = parseCommandLine("schema", argv, { config: { type: "string" } }, io);
  if (!parsed) return 2;
  const config = parsed.values.config;
  // Loaded here, not at the top: printing the built-ins' schema reads one file and parses nothing.
  const { cliCatalog } = await import("../project-catalog.js");
  const catalog = await cliCatalog(
    "schema",
    io,
    { near: io.cwd, ...(config ? { configFile: resolve(io.cwd, config) } : {}) },
    true,
  );
  if (!catalog) return 2;
  if (catalog.committedSchema) {
    io.stdout.write(readSchemaText());
    return 0;
  }
  // Generated only for a project with actions of its own: the built-ins' schema is the committed file.
  const { runbookSchemaFor, schemaText } = await import("../../parser/schema/build-schema.js");
  io.stdout.write(schemaText(runbookSchemaFor(catalog.actions)));
  return 0;
}
