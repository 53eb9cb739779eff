// Load a test document and run the rules plus suppressions, without the CLI.
import { builtinCatalog } from "../../src/builtins/index.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { EMPTY_CONFIG, type LintConfig } from "../../src/lint/config.js";
import { levelOf, runRules } from "../../src/lint/run-rules.js";
import { applySuppressions } from "../../src/lint/suppressions.js";
import { loadRunbook } from "../../src/parser/load.js";

/** Rules then suppressions over a document that must load; `line:col code` strings, in order. */
export function lintRulesOnly(text: string, config: LintConfig = EMPTY_CONFIG): Diagnostic[] {
  const loaded = loadRunbook("t.rb.yaml", text, { catalog: builtinCatalog });
  if (!loaded.runbook) throw new Error(loaded.diagnostics.map((d) => d.message).join("; "));
  const found = runRules(loaded.runbook, loaded.source, builtinCatalog, config);
  return applySuppressions(loaded.source, found, (c) => levelOf(c, config) ?? "error").sort(
    (a, b) => a.span.start.offset - b.span.start.offset || (a.code < b.code ? -1 : 1),
  );
}

/** Compact view for assertions. */
export const brief = (ds: readonly Diagnostic[]) =>
  ds.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`);
