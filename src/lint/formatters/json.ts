// Machine-readable output: every file with its diagnostics (spans intact) and a summary.
import type { Formatter } from "./formatter.js";
import { tally } from "./formatter.js";

/** `--format json`: `{ files: [{ file, diagnostics }], summary: { files, errors, warnings, infos } }`. */
export const formatJson: Formatter = (results) => {
  const files = results.map((r) => ({ file: r.file, diagnostics: r.diagnostics }));
  return `${JSON.stringify({ files, summary: { files: results.length, ...tally(results) } }, null, 2)}\n`;
};
