// `rbx eval 'EXPR' [--vars FILE]`: try an expression; prints its value and CEL type, or the caret diagnostic.

import { readFile } from "node:fs/promises";
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

async function readVars(path: string): Promise<Record<string, Json>> {
  const text = await readFile(path, "utf8");
  let data: unknown;
  if (/\.ya?ml$/i.test(path)) {
    const { parse } = await import("yaml");
    data = parse(text);
  } else data = JSON.parse(text);
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new Error("the file must hold a mapping of variable names to values");
  return data as Record<string, Json>;
}

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
    try {
      vars = await readVars(resolve(io.cwd, varsPath));
    } catch (e) {
      io.stderr.write(`rbx eval: cannot read variables from ${varsPath}: ${(e as Error).message}\n`);
      return 2;
    }
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
