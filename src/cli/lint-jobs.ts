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

/** A linted file: its text (the main thread rebuilds its SourceFile) and its diagnostics. */
export interface LintAnswer {
  index: number;
  text: string;
  diagnostics: Diagnostic[];
}

/** Lint one job: its file read as every verb reads a runbook (regular, bounded), or why it could not be. */
export async function lintJob(job: LintJob, catalog: ActionCatalog): Promise<LintAnswer> {
  const read = readSourceText(job.path);
  if (!read.ok)
    return { index: job.index, text: "", diagnostics: unreadable(job.file, read.reason).diagnostics };
  // A kind: Fleet document is checked by its own schema and rules (duplicate targets, the same params twice).
  if (isFleetText(read.text)) {
    const fleet = await loadFleetText(read.text, job.file);
    return { index: job.index, text: read.text, diagnostics: fleet.diagnostics };
  }
  const result = await lintSource(job.file, read.text, { catalog, config: job.config });
  return { index: job.index, text: read.text, diagnostics: result.diagnostics };
}
