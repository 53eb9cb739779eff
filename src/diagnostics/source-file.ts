// Source text with a line index, so any offset turns into line:col and back in O(log n).
import type { Position, Span } from "./diagnostic.js";

/** One loaded file: its display name, its text and the offsets where its lines start. */
export class SourceFile {
  readonly lineStarts: number[];
  /** The text, with each lone CR read as the line break it is (YAML 1.2 counts CR, LF and CRLF alike). */
  readonly text: string;

  constructor(
    readonly name: string,
    text: string,
  ) {
    // Same length, so offsets into the file stay offsets into this text: a file saved with old Mac line
    // endings reads as its lines instead of one line (or "empty").
    const lines = text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
    this.text = lines;
    this.lineStarts = [0];
    for (let i = 0; i < lines.length; i++) {
      if (lines.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** The 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (this.lineStarts[lo] as number) + 1, offset: o };
  }

  /** A span over [start, end) offsets. */
  span(start: number, end: number): Span {
    return { file: this.name, start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}
