// What a lint worker is asked and answers: one file per job, so the main thread and the workers share the shape.
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LintConfig } from "../lint/config.js";

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
