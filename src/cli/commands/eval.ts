// `rbx eval 'EXPR' [--vars FILE]`: try an expression; prints its value and CEL type, or the caret diagnostic.

import { resolve } from "node:path";
import { useColor } from "../../diagnostics/color.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { SourceFile } from "../../diagnostics/source-file.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx eval --help`. */
export const usage = `Usage: rbx eval [--vars FILE.json|FILE.yaml] EXPR

Type-check and evaluate one expression of the runbook expression language (a subset of CEL) and print
its value with its type, e.g. \`rbx eval '1 + 3'\` prints \`4 (int)\`.

Options:
  --vars FILE   variables for the expression: a JSON or YAML mapping of name to value
                (integral numbers are ints, other numbers doubles)

Exit status: 0 evaluated, 1 the expression does not compile or evaluates to an error, 2 usage error.
`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Evaluate the expression; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("eval", argv, { vars: { type: "string" } }, io, { positionals: true });
  if (!parsed) return 2;
  const varsPath = parsed.values.vars;
  if (parsed.positionals.length !== 1)
    return usageError(io, "eval", "give exactly one expression (quote it), e.g. rbx eval '1 + 2'");
  const source = parsed.positionals[0] as string;
  let vars: Record<string, Json> = {};
  if (varsPath) {
    const { readDataFile } = await import("../../run/bind/params-file.js");
    const read = readDataFile(resolve(io.cwd, varsPath), varsPath);
    if (!read.ok) {
      io.stderr.write(`rbx eval: the variables file: ${read.message}\n`);
      return 2;
    }
    vars = read.data as Record<string, Json>;
  }
  const { compile, displayValue, inferType, isError, runtimeTypeName, toCel, typeName } = await import(
    "../../expr/index.js"
  );
  const variables = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, inferType(v, k)]));
  const compiled = compile(source, { variables });
  if (!compiled.ok) {
    const file = new SourceFile("<expr>", source);
    io.stderr.write(
      formatDiagnostics(compiled.diagnostics, () => file, { color: useColor(io.stderr, io.env) }),
    );
    return 1;
  }
  const bindings = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, toCel(v, variables[k])]));
  const value = compiled.program.evaluate(bindings);
  if (isError(value)) {
    io.stderr.write(`error: ${value.message}\n`);
    return 1;
  }
  const staticName = typeName(compiled.type);
  const type = /dyn|error/.test(staticName)
    ? runtimeTypeName(value).replace(/^google\.protobuf\.(\w+)$/, (_, n: string) => n.toLowerCase())
    : staticName;
  io.stdout.write(`${displayValue(value)} (${type})\n`);
  return 0;
}
