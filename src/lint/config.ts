// The `lint:` section of `.rbx.yaml`: per-rule severities and options (the file is found and read by project/).
import { isMap, isScalar, type Node } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { configProblem, readConfigFile } from "../project/config-file.js";
import type { RuleLevel } from "./rule.js";
import { findRule } from "./rules/index.js";
import { suppressionMeta } from "./suppressions.js";

export { CONFIG_NAME, findConfigFile } from "../project/config-path.js";

/** One rule's setting from the config. */
export interface RuleSetting {
  level: RuleLevel;
  options?: Record<string, unknown>;
}

/** A loaded config: where it came from and its rule settings. */
export interface LintConfig {
  file?: string;
  rules: ReadonlyMap<string, RuleSetting>;
}

/** The config used when no file is found: every rule at its default severity. */
export const EMPTY_CONFIG: LintConfig = { rules: new Map() };

const LEVELS = new Set(["off", "info", "warning", "error"]);

const knownId = (id: string) => findRule(id) !== undefined || suppressionMeta.some((m) => m.id === id);

/** A config as read: its settings, the problems in it (on its own lines) and its text to show them with. */
export interface LoadedConfig {
  config: LintConfig;
  diagnostics: Diagnostic[];
  source: SourceFile;
}

/** Read and validate the `lint:` section of a config file; problems are diagnostics on the config's own lines. */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const file = readConfigFile(path);
  const diagnostics: Diagnostic[] = [...file.diagnostics];
  const problem = (message: string, node: Node | null | undefined) =>
    diagnostics.push(configProblem(file.source, message, node));
  const rules = new Map<string, RuleSetting>();
  const config: LintConfig = { file: path, rules };
  if (!file.root || !isMap(file.root)) return { config, diagnostics, source: file.source };
  const lint = file.root.get("lint", true);
  if (lint === undefined) return { config, diagnostics, source: file.source };
  if (!isMap(lint)) {
    problem("`lint:` must be a mapping with a `rules:` key", lint as Node);
    return { config, diagnostics, source: file.source };
  }
  for (const pair of lint.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (key !== "rules") problem(`unknown key \`lint.${key}\`; the only key is \`rules\``, pair.key as Node);
  }
  const ruleMap = lint.get("rules", true);
  if (ruleMap === undefined) return { config, diagnostics, source: file.source };
  if (!isMap(ruleMap)) {
    problem("`lint.rules` must map rule ids to a severity or `{ severity, options }`", ruleMap as Node);
    return { config, diagnostics, source: file.source };
  }
  for (const pair of ruleMap.items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!knownId(id)) {
      problem(`unknown rule \`${id}\`; run \`rbx lint --list-rules\` for the ids`, pair.key as Node);
      continue;
    }
    const value = pair.value as Node | null;
    if (isScalar(value) && LEVELS.has(String(value.value))) {
      rules.set(id, { level: String(value.value) as RuleLevel });
      continue;
    }
    if (isMap(value)) {
      const plain = value.toJSON() as { severity?: unknown; options?: unknown };
      const extra = Object.keys(plain).filter((k) => k !== "severity" && k !== "options");
      if (extra.length > 0)
        problem(`unknown key \`${extra[0]}\` for rule ${id}; use \`severity\` and \`options\``, value);
      const level = plain.severity ?? findRule(id)?.meta.docs.severity ?? "warning";
      if (typeof level !== "string" || !LEVELS.has(level)) {
        problem(`severity of ${id} must be off, info, warning or error`, value.get("severity", true) as Node);
        continue;
      }
      const setting: RuleSetting = { level: level as RuleLevel };
      if (plain.options !== undefined) {
        const errors = await validateOptions(id, plain.options);
        if (errors) problem(errors, value.get("options", true) as Node);
        else setting.options = plain.options as Record<string, unknown>;
      }
      rules.set(id, setting);
      continue;
    }
    problem(
      `setting of ${id} must be off, info, warning, error or { severity, options }`,
      value ?? (pair.key as Node),
    );
  }
  return { config, diagnostics, source: file.source };
}

/** Check a rule's options against its schema (ajv is loaded only when a config gives options). */
async function validateOptions(id: string, options: unknown): Promise<string | undefined> {
  const schema = findRule(id)?.meta.options?.schema;
  if (!schema) return `rule ${id} takes no options`;
  const { Ajv } = await import("ajv");
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (validate(options)) return undefined;
  const detail = (validate.errors ?? [])
    .map((e) => `${e.instancePath || "options"} ${e.message ?? "is invalid"}`)
    .join("; ");
  return `options of ${id} are invalid: ${detail}`;
}
