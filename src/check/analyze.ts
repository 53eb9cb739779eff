// analyze(source, env): parse and check an expression without building closures, for checkers like `rbx validate`.
// Kept apart from compile.ts so checking never loads the evaluator (closures, stdlib, time).

import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { SourceText } from "../parser/ast.js";
import type { Expr } from "../parser/expr/ast.js";
import { parseExpr } from "../parser/expr/parse.js";
import { type ExprOrigin, spanIn } from "../parser/expr/positions.js";
import { type Checked, check } from "./checker.js";
import type { TypeEnv } from "./type-env.js";

/** Options of analyze and compile. */
export interface CompileOptions {
  /** The whole file the source came from, for exact line:column of every character. */
  file?: SourceFile;
  /** Skip type checking (every call then chooses its overload at run time). Default false. */
  unchecked?: boolean;
}

/** Parse and check without building closures: for checkers that only want types and diagnostics. */
export function analyze(
  source: SourceText | string,
  env: TypeEnv,
  options: CompileOptions = {},
):
  | { ok: true; ast: Expr; checked?: Checked; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] } {
  const text = typeof source === "string" ? source : source.text;
  const parsed = parseExpr(text);
  if (!parsed.ok) return { ok: false, diagnostics: toDiagnostics(parsed.problems, source, options) };
  if (options.unchecked) return { ok: true, ast: parsed.ast, diagnostics: [] };
  const checked = check(parsed.ast, env);
  // A clean check (the usual case) builds no origin and no diagnostics.
  return checked.problems.length > 0
    ? { ok: false, diagnostics: toDiagnostics(checked.problems, source, options) }
    : { ok: true, ast: parsed.ast, checked, diagnostics: [] };
}

/** Problems at offsets of the expression text as diagnostics at positions of the file. */
function toDiagnostics(
  problems: readonly { code: string; message: string; start: number; end: number }[],
  source: SourceText | string,
  options: CompileOptions,
): Diagnostic[] {
  const origin: ExprOrigin = options.file ? { source, file: options.file } : { source };
  return problems.map((p) => diagnostic(p.code, "error", p.message, spanIn(origin, p.start, p.end)));
}
