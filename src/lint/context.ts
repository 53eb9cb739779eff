// Building the context each rule sees, and the small helpers rules share for spans and labels.
import type { Diagnostic, Severity, Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { MapEntry, Runbook, SourceText, Step, ValueNode } from "../parser/ast.js";
import type { StepEffects } from "./effects.js";
import { formatMessage, type LintRule, type RuleContext } from "./rule.js";
import type { RunbookIndex } from "./runbook-index.js";

/** Build a rule's context; its reports are pushed onto `out` with the configured severity. */
export function createContext<O extends object>(
  rule: LintRule<O>,
  severity: Severity,
  options: O,
  runbook: Runbook,
  source: SourceFile,
  index: RunbookIndex,
  effects: StepEffects,
  out: Diagnostic[],
): RuleContext<O> {
  return {
    runbook,
    source,
    options,
    index,
    effects,
    report(r) {
      const template = rule.meta.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message "${r.messageId}"`);
      const d: Diagnostic = {
        code: rule.meta.id,
        severity,
        message: formatMessage(template, r.data),
        span: r.span,
      };
      if (r.related && r.related.length > 0) d.related = r.related;
      out.push(d);
    },
    // An imported suite's text maps onto its library's file.
    textSpan: (text, start, end) =>
      textSpan(
        runbook.libraries.find((l) => l.source.name === text.span.file)?.source ?? source,
        text,
        start,
        end,
      ),
  };
}

/** Map [start, end) of a SourceText's decoded text onto the file. */
export function textSpan(source: SourceFile, text: SourceText, start: number, end: number): Span {
  const o = text.offsets;
  const s = o[Math.max(0, Math.min(start, o.length - 1))] ?? text.span.start.offset;
  const lastIn = end > start ? o[Math.min(end - 1, o.length - 1)] : undefined;
  const e = lastIn !== undefined ? lastIn + 1 : s;
  return source.span(s, e);
}

/** The entry of a top-level key of a step's `with:`. */
export function withEntry(step: Step, key: string): MapEntry | undefined {
  return step.with?.entries.find((e) => e.key.value === key);
}

/** The value of a top-level key of a step's `with:`. */
export function withValue(step: Step, key: string): ValueNode | undefined {
  return withEntry(step, key)?.value;
}

/** The span that best names a step in a message: its action or check name, else its id, else the step. */
export function stepHead(step: Step): Span {
  return (step.action ?? step.check ?? step.id ?? step).span;
}

/** A step's display name: its id, else its action or check. */
export function stepLabel(step: Step): string {
  return step.id?.value ?? step.action?.value ?? (step.check ? `check ${step.check.value}` : "step");
}
