// `rbx schema`: print the runbook JSON Schema (for editors and other tools); loads no validator.

import { readSchemaText } from "../../parser/schema/runbook-schema.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx schema --help`. */
export const usage = `Usage: rbx schema

Print the JSON Schema (2020-12) of rbx/v1 runbooks, including every built-in action's \`with:\`.
Editors that use yaml-language-server pick it up from a first line such as
  # yaml-language-server: $schema=../schema/runbook.schema.json
`;

/** Write the committed schema to stdout. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.length > 0) {
    io.stderr.write(`rbx schema: unexpected argument "${argv[0]}"; it takes none\n${usage}`);
    return 2;
  }
  io.stdout.write(readSchemaText());
  return 0;
}
