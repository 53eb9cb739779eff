// The one problem report every stage speaks: loader, expression parser, checker, linter and runtime.

/** A place in a source file; line and column are 1-based, column counts UTF-16 code units, offset is 0-based. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A half-open range [start, end) in one file. */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

export type Severity = "error" | "warning" | "info";

/** A problem found in a document, with the exact place and a message that says what to do. */
export interface Diagnostic {
  /** kebab-case, stable, documented: e.g. "unknown-step", "type-mismatch". */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related?: { span: Span; message: string }[];
}

/** Build a diagnostic; a small helper so call sites stay on one line. */
export function diagnostic(
  code: string,
  severity: Severity,
  message: string,
  span: Span,
  related?: Diagnostic["related"],
): Diagnostic {
  return related && related.length > 0
    ? { code, severity, message, span, related }
    : { code, severity, message, span };
}

/** True when any diagnostic in the list is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Order diagnostics by file, then position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  if (a.span.start.offset !== b.span.start.offset) return a.span.start.offset - b.span.start.offset;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
