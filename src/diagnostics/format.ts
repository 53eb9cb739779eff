// Prints diagnostics for people: `file:line:col: severity: message [code]`, the source line and a caret.
import { paint as ansi, type Paint as Styles } from "./color.js";
import type { Diagnostic, Span } from "./diagnostic.js";
import type { SourceFile } from "./source-file.js";

/** The first line of a diagnostic, without colour: `file:line:col: severity: message [code]`. */
export function headline(d: Diagnostic): string {
  return `${location(d.span)}: ${d.severity}: ${d.message} [${d.code}]`;
}

function location(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

interface Paint {
  location(s: string): string;
  severity(sev: Diagnostic["severity"] | "note", s: string): string;
  caret(s: string): string;
  dim(s: string): string;
}

const plain: Paint = { location: (s) => s, severity: (_v, s) => s, caret: (s) => s, dim: (s) => s };

function painter(c: Styles): Paint {
  const sev = {
    error: (s: string) => c.bold(c.red(s)),
    warning: (s: string) => c.bold(c.yellow(s)),
    info: (s: string) => c.bold(c.blue(s)),
    note: (s: string) => c.bold(c.cyan(s)),
  };
  return {
    location: (s) => c.bold(s),
    severity: (v, s) => sev[v](s),
    caret: (s) => c.bold(c.green(s)),
    dim: (s) => c.dim(s),
  };
}

/** The most characters of a source line an excerpt shows. */
const EXCERPT_WIDTH = 120;

/** The source line of a span and a `^~~~` under it (clipped to the first line of the span). */
function excerpt(span: Span, source: SourceFile | undefined, paint: Paint): string[] {
  if (!source || span.start.line > source.lineStarts.length) return [];
  const line = source.lineText(span.start.line);
  const column = span.start.column - 1;
  const end =
    span.end.line === span.start.line
      ? Math.max(column + 1, span.end.column - 1)
      : Math.max(column + 1, line.length);
  // A very long line (minified JSON, a runaway `[[[[`) is shown as the part around the caret, marked by "…".
  const start =
    line.length <= EXCERPT_WIDTH ? 0 : Math.max(0, Math.min(column - 40, line.length - EXCERPT_WIDTH));
  const cut = start + EXCERPT_WIDTH < line.length;
  const lead = start > 0 ? "…" : "";
  const text = `${lead}${line.slice(start, start + EXCERPT_WIDTH)}${cut ? "…" : ""}`;
  const from = column - start + lead.length;
  const to = Math.min(end - start + lead.length, lead.length + EXCERPT_WIDTH);
  const width = Math.max(1, Math.min(to, Math.max(text.length, from + 1)) - from);
  const pad = text.slice(0, from).replace(/[^\t]/g, " ");
  const gutter = String(span.start.line);
  const blank = " ".repeat(gutter.length);
  return [
    paint.dim(`${gutter} | `) + text,
    `${paint.dim(`${blank} | `)}${pad}${paint.caret(`^${"~".repeat(width - 1)}`)}`,
  ];
}

/** Format one diagnostic with its excerpt and its related spans as notes. */
export function formatDiagnostic(
  d: Diagnostic,
  sourceOf: (file: string) => SourceFile | undefined,
  paint: Paint = plain,
): string {
  const lines = [
    `${paint.location(`${location(d.span)}:`)} ${paint.severity(d.severity, `${d.severity}:`)} ${d.message} ${paint.dim(`[${d.code}]`)}`,
    ...excerpt(d.span, sourceOf(d.span.file), paint),
  ];
  for (const r of d.related ?? []) {
    lines.push(`${paint.location(`${location(r.span)}:`)} ${paint.severity("note", "note:")} ${r.message}`);
    lines.push(...excerpt(r.span, sourceOf(r.span.file), paint));
  }
  return lines.join("\n");
}

/** Format many diagnostics, coloured when `options.color` (decide it with `useColor`). */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  sourceOf: (file: string) => SourceFile | undefined,
  options: { color: boolean },
): string {
  const paint = options.color ? painter(ansi(true)) : plain;
  return diagnostics.map((d) => `${formatDiagnostic(d, sourceOf, paint)}\n`).join("");
}
