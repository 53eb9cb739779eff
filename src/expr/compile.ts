// compile(source, env): parse → check → closures, with diagnostics on the file positions of the source.
import { type Checked, check } from "../check/checker.js";
import type { TypeEnv } from "../check/type-env.js";
import type { CelType } from "../check/types.js";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { SourceText } from "../parser/ast.js";
import type { Expr } from "../parser/expr/ast.js";
import { parseExpr } from "../parser/expr/parse.js";
import { generate } from "./closures.js";
import { type ExprOrigin, spanIn } from "./positions.js";
import { Program } from "./program.js";

export interface CompileOptions {
  /** The whole file the source came from, for exact line:column of every character. */
  file?: SourceFile;
  /** Skip type checking (every call then chooses its overload at run time). Default false. */
  unchecked?: boolean;
}

/** The result of compiling: a program with its type, or diagnostics. */
export type CompileResult =
  | { ok: true; program: Program; type: CelType; ast: Expr; checked?: Checked }
  | { ok: false; diagnostics: Diagnostic[] };

/** Parse and check without building closures: for checkers that only want types and diagnostics. */
export function analyze(
  source: SourceText | string,
  env: TypeEnv,
  options: CompileOptions = {},
):
  | { ok: true; ast: Expr; checked?: Checked; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] } {
  const origin: ExprOrigin = options.file ? { source, file: options.file } : { source };
  const text = typeof source === "string" ? source : source.text;
  const parsed = parseExpr(text);
  const toDiag = (p: { code: string; message: string; start: number; end: number }) =>
    diagnostic(p.code, "error", p.message, spanIn(origin, p.start, p.end));
  if (!parsed.ok) return { ok: false, diagnostics: parsed.problems.map(toDiag) };
  if (options.unchecked) return { ok: true, ast: parsed.ast, diagnostics: [] };
  const checked = check(parsed.ast, env);
  const diagnostics = checked.problems.map(toDiag);
  return diagnostics.length > 0
    ? { ok: false, diagnostics }
    : { ok: true, ast: parsed.ast, checked, diagnostics };
}

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
