// rbx spans (1-based line:column, UTF-16 columns) ↔ LSP positions (0-based line, UTF-16 character), and back.
import type { Position, Range } from "vscode-languageserver/node";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { SourceText } from "../parser/ast.js";

/** The LSP range of an rbx span. */
export function toRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

/** The LSP range of [start, end) offsets of a file. */
export function rangeOf(source: SourceFile, start: number, end: number): Range {
  return toRange(source.span(start, end));
}

/** The file offset of an LSP position, clamped to its line and to the text. */
export function offsetAt(source: SourceFile, position: Position): number {
  const starts = source.lineStarts;
  if (position.line >= starts.length) return source.text.length;
  const start = starts[Math.max(0, position.line)] as number;
  const next = starts[position.line + 1];
  const lineEnd = next === undefined ? source.text.length : next - 1;
  return Math.min(start + Math.max(0, position.character), lineEnd);
}

/**
 * The index in a SourceText's decoded text that a file offset falls on: the first decoded character written at
 * or after it, or undefined when the offset lies outside the scalar. Folded lines and escapes map through
 * `offsets` exactly as the checker's positions do.
 */
export function decodedIndex(text: SourceText, offset: number): number | undefined {
  const o = text.offsets;
  if (offset < text.span.start.offset || offset > text.span.end.offset) return undefined;
  let lo = 0;
  let hi = o.length - 1;
  if ((o[hi] as number) < offset) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((o[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The file offset where decoded character `index` of a SourceText was written. */
export function fileOffset(text: SourceText, index: number): number {
  const o = text.offsets;
  return o[Math.max(0, Math.min(index, o.length - 1))] ?? text.span.start.offset;
}
