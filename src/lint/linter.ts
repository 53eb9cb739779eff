// One file through the whole pipeline: load, check (everything `rbx validate` finds), rules, suppressions.

import { checkRunbook } from "../check/check-runbook.js";
import type { ActionCatalog } from "../contract/action.js";
import { compareDiagnostics, type Diagnostic, type Severity } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { type LoadResult, loadRunbook } from "../parser/load.js";
import { EMPTY_CONFIG, type LintConfig } from "./config.js";
import { levelOf, runRules } from "./run-rules.js";
import { loadSqlParser } from "./sql/parser.js";
import { hasSql } from "./sql/statements.js";
import { applySuppressions } from "./suppressions.js";

/** The outcome for one file. */
export interface LintResult {
  file: string;
  source: SourceFile;
  diagnostics: Diagnostic[];
}

/** What one lint pass runs against: the actions runbooks may use and the `.rbx.yaml` settings. */
export interface LintOptions {
  catalog: ActionCatalog;
  config?: LintConfig;
}

/**
 * Lint one document's text: loader and checker diagnostics, rule diagnostics, then suppressions. Asynchronous
 * because a runbook with SQL first loads PostgreSQL's parser (WebAssembly) for the sql-* rules.
 */
export async function lintSource(file: string, text: string, options: LintOptions): Promise<LintResult> {
  return lintLoaded(file, loadRunbook(file, text, { catalog: options.catalog }), options);
}

/** Lint a document the caller loaded already (the language server keeps the load for completion too). */
export async function lintLoaded(
  file: string,
  loaded: LoadResult,
  options: LintOptions,
): Promise<LintResult> {
  const { catalog, config = EMPTY_CONFIG } = options;
  const all: Diagnostic[] = [...loaded.diagnostics];
  if (loaded.runbook) {
    if (hasSql(loaded.runbook)) await loadSqlParser();
    all.push(...checkRunbook(loaded.runbook, catalog, loaded.source));
    all.push(...runRules(loaded.runbook, loaded.source, catalog, config));
  }
  const severityOf = (code: string): Severity | "off" => levelOf(code, config) ?? "error";
  const diagnostics = applySuppressions(loaded.source, all, severityOf).sort(compareDiagnostics);
  return { file, source: loaded.source, diagnostics };
}
