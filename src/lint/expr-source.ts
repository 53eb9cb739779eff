// The linter's one door to the expression language, so rules never parse expressions or templates themselves.
import { splitTemplate } from "../expr/template.js";
import type { Expr } from "../parser/expr/ast.js";
import { parseExpr } from "../parser/expr/parse.js";

/** One `${{ expr }}` part of a template: the expression text and where it starts in the template. */
export interface TemplatePart {
  text: string;
  start: number;
}

/** Parse an expression with the expression parser; undefined when it does not parse (the checker reports why). */
export function parseExpressionText(text: string): Expr | undefined {
  const r = parseExpr(text);
  return r.ok ? r.ast : undefined;
}

/** The `${{ }}` parts of a template, split by the expression language's own template splitter. */
export function splitTemplateText(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const p of splitTemplate(text).pieces) {
    if (p.kind === "expr") parts.push({ text: text.slice(p.start, p.end), start: p.start });
  }
  return parts;
}
