// The rule contract (eslint-style): metadata the formatters and docs read, and a factory of visitor hooks.
import type { JsonSchema } from "../contract/json.js";
import type { Diagnostic, Severity, Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Runbook, SourceText } from "../parser/ast.js";
import type { StepEffects } from "./effects.js";
import type { RunbookIndex } from "./runbook-index.js";
import type { Visitor } from "./visitor.js";

/** A severity a config may give a rule; `off` disables it. */
export type RuleLevel = Severity | "off";

/** What a rule declares about itself: read by the config loader, SARIF output and the docs. */
export interface RuleMeta<Options extends object = Record<string, never>> {
  /** kebab-case id; also the diagnostic code and the docs page name (docs/rules/<id>.md). */
  id: string;
  docs: {
    /** One sentence: what the rule finds. */
    description: string;
    /** The severity used when no config sets one. */
    severity: Severity;
  };
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Record<string, string>;
  /** JSON Schema of the options object a config may give, and the defaults it is merged over. */
  options?: { schema: JsonSchema; defaults: Options };
}

/** The per-rule view of one lint run. */
export interface RuleContext<Options extends object = Record<string, never>> {
  readonly runbook: Runbook;
  readonly source: SourceFile;
  readonly options: Options;
  readonly index: RunbookIndex;
  /** What each step does to the world, from the catalog the runbook is linted against. */
  readonly effects: StepEffects;
  report(report: Report): void;
  /** The file span of [start, end) in an expression's decoded text (escapes and folding shifted away). */
  textSpan(text: SourceText, start: number, end: number): Span;
}

/** One lint rule: `create` returns the hooks the shared walk calls. */
export interface LintRule<Options extends object = Record<string, never>> {
  meta: RuleMeta<Options>;
  create(ctx: RuleContext<Options>): Visitor;
}

/** A report as a rule makes it; the context turns it into a Diagnostic. */
export interface Report {
  messageId: string;
  span: Span;
  data?: Record<string, string | number>;
  related?: Diagnostic["related"];
}

/** Identity helper so each rule file keeps its own option types. */
export function defineRule<Options extends object = Record<string, never>>(
  rule: LintRule<Options>,
): LintRule<Options> {
  return rule;
}

/** Fill `{{name}}` placeholders of a message template. */
export function formatMessage(template: string, data: Report["data"]): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
    const v = data?.[key];
    return v === undefined ? whole : String(v);
  });
}
