// What every output format receives, and the tally the summary lines and exit code share.
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { LintResult } from "../linter.js";

/** Options the CLI passes to a formatter. */
export interface FormatOptions {
  /** ANSI colours (stylish only): on a TTY and without NO_COLOR. */
  color: boolean;
  /** The directory relative file names are relative to. */
  cwd: string;
  /** Base URI of the rule pages (`<base><rule-id>.md`); defaults to this version's published docs. */
  docsBaseUri?: string;
}

/** A formatter turns all results into the text written to stdout. */
export type Formatter = (results: readonly LintResult[], options: FormatOptions) => string | Promise<string>;

/** Counts by severity. */
export interface Tally {
  errors: number;
  warnings: number;
  infos: number;
}

/** Count diagnostics by severity over all files. */
export function tally(results: readonly LintResult[]): Tally {
  const t: Tally = { errors: 0, warnings: 0, infos: 0 };
  for (const r of results) for (const d of r.diagnostics) countInto(t, d);
  return t;
}

function countInto(t: Tally, d: Diagnostic): void {
  if (d.severity === "error") t.errors++;
  else if (d.severity === "warning") t.warnings++;
  else t.infos++;
}
