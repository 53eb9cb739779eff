// Run the enabled rules over a loaded runbook in one shared walk, with severities and options from the config.
import type { ActionCatalog } from "../contract/action.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Runbook } from "../parser/ast.js";
import { EMPTY_CONFIG, type LintConfig } from "./config.js";
import { createContext } from "./context.js";
import { StepEffects } from "./effects.js";
import type { RuleLevel } from "./rule.js";
import { type AnyRule, findRule, rules } from "./rules/index.js";
import { RunbookIndex } from "./runbook-index.js";
import { suppressionMeta } from "./suppressions.js";
import type { Visitor } from "./visitor.js";
import { walkRunbook } from "./walk.js";

/** The severity a lint code has under a config; codes that are not lint rules keep their own. */
export function levelOf(code: string, config: LintConfig): RuleLevel | undefined {
  const set = config.rules.get(code)?.level;
  if (set) return set;
  return findRule(code)?.meta.docs.severity ?? suppressionMeta.find((m) => m.id === code)?.severity;
}

/** A rule's options: its defaults with the config's options laid over them. */
export function optionsOf(rule: AnyRule, config: LintConfig): object {
  return { ...(rule.meta.options?.defaults ?? {}), ...(config.rules.get(rule.meta.id)?.options ?? {}) };
}

/** Run every enabled rule over a loaded runbook in one shared walk. */
export function runRules(
  runbook: Runbook,
  source: SourceFile,
  catalog: ActionCatalog,
  config: LintConfig = EMPTY_CONFIG,
): Diagnostic[] {
  const index = new RunbookIndex(runbook);
  const effects = new StepEffects(catalog);
  const out: Diagnostic[] = [];
  const visitors: Visitor[] = [];
  for (const rule of rules) {
    const level = levelOf(rule.meta.id, config);
    if (level === undefined || level === "off") continue;
    visitors.push(
      rule.create(createContext(rule, level, optionsOf(rule, config), runbook, source, index, effects, out)),
    );
  }
  walkRunbook(runbook, visitors);
  return out;
}
