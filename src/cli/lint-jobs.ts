// What a lint worker is asked and answers, one file per job, and how a job is linted in either thread.
import type { ActionCatalog } from "../contract/action.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { readSourceText } from "../diagnostics/read-source.js";
import { isFleetText, loadFleetText } from "../fleet/fleet-document.js";
import type { LintConfig } from "../lint/config.js";
import { lintSource } from "../lint/linter.js";
import { unreadable } from "../parser/load.js";

/**
 * One file to lint: its display name, where to read it, the `.rbx.yaml` settings that apply to it, and that
 * file's path when it has one (a worker builds the same catalog from it: action modules cannot be sent).
 */
export interface LintJob {
  index: number;
  file: string;
  path: string;
  config: LintConfig;
  configFile?: string;
}

/**
 * A linted file: its diagnostics, and the text of each file they point into (the file itself, a check library
 * it imports) by name, for the main thread to show their lines; a clean file sends no text.
 */
export interface LintAnswer {
  index: number;
  diagnostics: Diagnostic[];
  sources?: [name: string, text: string][];
}

/** The texts the diagnostics point into, from the files the lint read. */
function textsFor(
  diagnostics: readonly Diagnostic[],
  texts: ReadonlyMap<string, string>,
): [string, string][] {
  const out: [string, string][] = [];
  for (const name of new Set(diagnostics.map((d) => d.span.file))) {
    const text = texts.get(name);
    if (text !== undefined) out.push([name, text]);
  }
  return out;
}

/** Lint one job: its file read as every verb reads a runbook (regular, bounded), or why it could not be. */
export async function lintJob(job: LintJob, catalog: ActionCatalog): Promise<LintAnswer> {
  const read = readSourceText(job.path);
  if (!read.ok) return { index: job.index, diagnostics: unreadable(job.file, read.reason).diagnostics };
  // A kind: Fleet document is checked by its own schema and rules (duplicate targets, the same params twice).
  if (isFleetText(read.text)) {
    const fleet = await loadFleetText(read.text, job.file);
    const texts = new Map([[job.file, read.text]]);
    return { index: job.index, diagnostics: fleet.diagnostics, sources: textsFor(fleet.diagnostics, texts) };
  }
  const result = await lintSource(job.file, read.text, { catalog, config: job.config });
  const texts = new Map([[job.file, read.text]]);
  for (const [name, s] of result.sources ?? []) if (!texts.has(name)) texts.set(name, s.text);
  return { index: job.index, diagnostics: result.diagnostics, sources: textsFor(result.diagnostics, texts) };
}
