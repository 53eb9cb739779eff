// Splitting `${{ }}` templates into text and expression pieces (no compiling, so checkers load no evaluator).

/** One piece of a template: literal text, or an expression at [start, end) of the template text. */
export type TemplatePiece = { kind: "text"; text: string } | { kind: "expr"; start: number; end: number };

/** Split a template into text and `${{ }}` pieces; an unclosed `${{` is reported at its offset. */
export function splitTemplate(text: string): { pieces: TemplatePiece[]; unclosedAt?: number } {
  const pieces: TemplatePiece[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("${{", i);
    if (open < 0) break;
    const close = text.indexOf("}}", open + 3);
    if (close < 0) return { pieces, unclosedAt: open };
    if (open > i) pieces.push({ kind: "text", text: text.slice(i, open) });
    pieces.push({ kind: "expr", start: open + 3, end: close });
    i = close + 2;
  }
  if (i < text.length) pieces.push({ kind: "text", text: text.slice(i) });
  return { pieces };
}

/** True when the whole value is exactly one `${{ }}` (then the field keeps the expression's type). */
export function isWholeExpression(text: string): boolean {
  const { pieces, unclosedAt } = splitTemplate(text);
  return (
    unclosedAt === undefined &&
    pieces.length === 1 &&
    pieces[0]?.kind === "expr" &&
    text.startsWith("${{") &&
    text.endsWith("}}")
  );
}
