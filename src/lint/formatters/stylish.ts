// The default output for people: each problem with its source line and a caret, then a one-line summary.
import { formatDiagnostics } from "../../diagnostics/format.js";
import type { SourceFile } from "../../diagnostics/source-file.js";
import { type Formatter, tally } from "./formatter.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `--format stylish`: caret snippets via the shared diagnostics printer, colour only when asked. */
export const formatStylish: Formatter = (results, options) => {
  const sources = new Map<string, SourceFile>(results.map((r) => [r.source.name, r.source]));
  // Diagnostics in an imported check library show that file's line.
  for (const r of results)
    for (const [name, s] of r.sources ?? []) if (!sources.has(name)) sources.set(name, s);
  const all = results.flatMap((r) => r.diagnostics);
  const body = formatDiagnostics(all, (f) => sources.get(f), { color: options.color });
  const t = tally(results);
  const total = t.errors + t.warnings + t.infos;
  const files = plural(results.length, "file");
  const summary =
    total === 0
      ? `no problems in ${files}`
      : `${plural(total, "problem")} (${plural(t.errors, "error")}, ${plural(t.warnings, "warning")}, ${plural(t.infos, "info")}) in ${files}`;
  return `${body}${body === "" ? "" : "\n"}${summary}\n`;
};
