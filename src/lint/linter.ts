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
  /** The file and the check libraries it imports, for diagnostics that point into a library. */
  sources?: ReadonlyMap<string, SourceFile>;
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
    const found = runRules(loaded.runbook, loaded.source, catalog, config);
    // A library's suites are there to be imported, not run in place.
    const library = loaded.runbook.kind.value === "CheckLibrary";
    all.push(...(library ? found.filter((d) => d.code !== "unused-check") : found));
  }
  const severityOf = (code: string): Severity | "off" => levelOf(code, config) ?? "error";
  let diagnostics = applySuppressions(loaded.source, all, severityOf);
  for (const lib of loaded.runbook?.libraries ?? [])
    diagnostics = applySuppressions(lib.source, diagnostics, severityOf);
  diagnostics.sort(compareDiagnostics);
  return { file, source: loaded.source, diagnostics, sources: loaded.sources };
}
