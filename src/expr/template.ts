// `${{ expr }}` templates: a whole-value template keeps its expression's type; any other is a string.
import type { TypeEnv } from "../check/type-env.js";
import { type CelType, T } from "../contract/cel-types.js";
import { CelError, type CelResult } from "../contract/cel-values.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { SourceFile } from "../diagnostics/source-file.js";
import type { SourceText } from "../parser/ast.js";
import { type ExprOrigin, sliceSource, spanIn } from "../parser/expr/positions.js";
import { isWholeExpression, splitTemplate } from "../parser/expr/template-pieces.js";
import { type CompileOptions, type CompileResult, compile } from "./compile.js";
import { Program } from "./program.js";
import { celToString } from "./stdlib/text.js";

export { isWholeExpression, splitTemplate, type TemplatePiece } from "../parser/expr/template-pieces.js";

/** Compile a template string; the program yields a string, or the expression's own value for a whole-value template. */
export function compileTemplate(
  input: SourceText | string,
  env: TypeEnv,
  options: CompileOptions = {},
): CompileResult {
  let source = input;
  if (typeof input === "string") {
    // A bare template: positions are columns of the template itself.
    const file = new SourceFile("<template>", input);
    source = {
      text: input,
      offsets: Array.from({ length: input.length + 1 }, (_, i) => i),
      span: file.span(0, input.length),
    };
    options = { ...options, file };
  }
  const text = input === source ? (source as SourceText).text : (input as string);
  const origin: ExprOrigin = options.file ? { source, file: options.file } : { source };
  const { pieces, unclosedAt } = splitTemplate(text);
  if (unclosedAt !== undefined) {
    const d = diagnostic(
      "expr-syntax",
      "error",
      "this `${{` is never closed; add `}}` after the expression",
      spanIn(origin, unclosedAt, unclosedAt + 3),
    );
    return { ok: false, diagnostics: [d] };
  }
  const parts: ({ kind: "text"; text: string } | { kind: "expr"; program: Program; type: CelType })[] = [];
  const diagnostics = [];
  for (const p of pieces) {
    if (p.kind === "text") {
      parts.push(p);
      continue;
    }
    const r = compile(sliceSource(source, p.start, p.end), env, options);
    if (r.ok) parts.push({ kind: "expr", program: r.program, type: r.type });
    else diagnostics.push(...r.diagnostics);
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const only = parts[0];
  if (isWholeExpression(text) && only?.kind === "expr")
    return { ok: true, program: only.program, type: only.type, ast: emptyAst() };
  const secret = parts.some((p) => p.kind === "expr" && p.program.secret);
  const root = (c: { vars: Parameters<Program["evaluate"]>[0]; budget: number }): CelResult => {
    let out = "";
    for (const p of parts) {
      if (p.kind === "text") {
        out += p.text;
        continue;
      }
      const v = p.program.evaluate(c.vars, { costLimit: c.budget });
      if (v instanceof CelError) return v;
      const s = celToString(v);
      if (s instanceof CelError) return s;
      out += s;
    }
    return out;
  };
  return { ok: true, program: new Program(root, 0, T.string, secret), type: T.string, ast: emptyAst() };
}

function emptyAst() {
  return { kind: "literal" as const, value: "", id: 0, start: 0, end: 0 };
}
