// compile(source, env): parse → check → closures, with diagnostics on the file positions of the source.

import { analyze, type CompileOptions } from "../check/analyze.js";
import type { Checked } from "../check/checker.js";
import type { TypeEnv } from "../check/type-env.js";
import type { CelType } from "../contract/cel-types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceText } from "../parser/ast.js";
import type { Expr } from "../parser/expr/ast.js";
import { generate } from "./closures.js";
import { Program } from "./program.js";

export { analyze, type CompileOptions } from "../check/analyze.js";

/** The result of compiling: a program with its type, or diagnostics. */
export type CompileResult =
  | { ok: true; program: Program; type: CelType; ast: Expr; checked?: Checked }
  | { ok: false; diagnostics: Diagnostic[] };

/** Compile an expression against an environment; evaluation of the program never throws. */
export function compile(
  source: SourceText | string,
  env: TypeEnv,
  options: CompileOptions = {},
): CompileResult {
  const a = analyze(source, env, options);
  if (!a.ok) return a;
  const { root, slots } = generate(a.ast, a.checked, env);
  const type = a.checked?.type ?? { kind: "dyn" };
  const program = new Program(root, slots, type, a.checked?.readsSecret ?? false);
  return a.checked
    ? { ok: true, program, type, ast: a.ast, checked: a.checked }
    : { ok: true, program, type, ast: a.ast };
}
