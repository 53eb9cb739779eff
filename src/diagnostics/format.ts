// Prints diagnostics for people: `file:line:col: severity: message [code]`, the source line and a caret.
import type { ChalkInstance } from "chalk";
import type { Diagnostic, Span } from "./diagnostic.js";
import type { SourceFile } from "./source-file.js";

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

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

function painter(chalk: ChalkInstance): Paint {
  const sev = {
    error: chalk.red.bold,
    warning: chalk.yellow.bold,
    info: chalk.blue.bold,
    note: chalk.cyan.bold,
  };
  return {
    location: (s) => chalk.bold(s),
    severity: (v, s) => sev[v](s),
    caret: (s) => chalk.green.bold(s),
    dim: (s) => chalk.dim(s),
  };
}

/** The source line of a span and a `^~~~` under it (clipped to the first line of the span). */
function excerpt(span: Span, source: SourceFile | undefined, paint: Paint): string[] {
  if (!source || span.start.line > source.lineStarts.length) return [];
  const text = source.lineText(span.start.line);
  const from = span.start.column - 1;
  const to =
    span.end.line === span.start.line
      ? Math.max(from + 1, span.end.column - 1)
      : Math.max(from + 1, text.length);
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

/** Format many diagnostics; loads chalk only when colour is wanted. */
export async function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  sourceOf: (file: string) => SourceFile | undefined,
  options: { color: boolean },
): Promise<string> {
  let paint = plain;
  if (options.color) {
    const { Chalk } = await import("chalk");
    paint = painter(new Chalk({ level: 1 }));
  }
  return diagnostics.map((d) => `${formatDiagnostic(d, sourceOf, paint)}\n`).join("");
}
