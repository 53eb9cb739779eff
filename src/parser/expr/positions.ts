// Maps offsets in an expression's text to spans in the YAML file, through SourceText.offsets.
import type { Span } from "../../diagnostics/diagnostic.js";
import { SourceFile } from "../../diagnostics/source-file.js";
import type { SourceText } from "../ast.js";

/** Where an expression came from: a runbook string (with its file, when known) or a bare string. */
export interface ExprOrigin {
  source: SourceText | string;
  /** The whole file; without it positions inside multi-line scalars are estimated from the scalar's span. */
  file?: SourceFile;
}

const bare = new Map<string, SourceFile>();

/** The file span of [start, end) in the expression text. */
export function spanIn(origin: ExprOrigin, start: number, end: number): Span {
  const src = origin.source;
  if (typeof src === "string") {
    let f = bare.get(src);
    if (!f) {
      f = new SourceFile("<expr>", src);
      if (bare.size > 64) bare.clear();
      bare.set(src, f);
    }
    return f.span(start, Math.max(start, end));
  }
  const n = src.text.length;
  const at = (i: number) => src.offsets[Math.max(0, Math.min(i, n))] ?? src.span.start.offset;
  const fs = at(start);
  const fe = end > start ? at(end - 1) + 1 : fs;
  if (origin.file) return origin.file.span(fs, Math.max(fs, fe));
  return {
    file: src.span.file,
    start: estimate(src, start, fs),
    end: estimate(src, Math.max(start, end - 1), fe),
  };
}

/** Line and column without the file text: counts the decoded line breaks before the character. */
function estimate(src: SourceText, index: number, offset: number) {
  let line = src.span.start.line;
  let lineStart = src.span.start.offset - (src.span.start.column - 1);
  for (let i = 0; i < Math.min(index, src.text.length); i++) {
    if (src.text[i] === "\n") {
      line++;
      lineStart = (src.offsets[i] ?? lineStart) + 1;
    }
  }
  return { line, column: Math.max(1, offset - lineStart + 1), offset };
}

/** A SourceText for a slice of another (a `${{ }}` part of a template), keeping file offsets. */
export function sliceSource(src: SourceText | string, start: number, end: number): SourceText | string {
  if (typeof src === "string") return src.slice(start, end);
  return { span: src.span, text: src.text.slice(start, end), offsets: src.offsets.slice(start, end + 1) };
}
