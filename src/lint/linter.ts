// One file through the whole pipeline: load, check (everything `rbx validate` finds), rules, suppressions.

import { checkRunbook } from "../check/check-runbook.js";
import { compareDiagnostics, type Diagnostic, type Severity } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { loadRunbook } from "../parser/load.js";
import { EMPTY_CONFIG, type LintConfig } from "./config.js";
import { levelOf, runRules } from "./run-rules.js";
import { applySuppressions } from "./suppressions.js";

/** The outcome for one file. */
export interface LintResult {
  file: string;
  source: SourceFile;
  diagnostics: Diagnostic[];
}

/** Lint one document's text: loader and checker diagnostics, rule diagnostics, then suppressions. */
export function lintSource(file: string, text: string, config: LintConfig = EMPTY_CONFIG): LintResult {
  const loaded = loadRunbook(file, text);
  const all: Diagnostic[] = [...loaded.diagnostics];
  if (loaded.runbook) {
    all.push(...checkRunbook(loaded.runbook, loaded.source));
    all.push(...runRules(loaded.runbook, loaded.source, config));
  }
  const severityOf = (code: string): Severity | "off" => levelOf(code, config) ?? "error";
  const diagnostics = applySuppressions(loaded.source, all, severityOf).sort(compareDiagnostics);
  return { file, source: loaded.source, diagnostics };
}
