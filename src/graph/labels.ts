// The text lines a step shows in a graph: id, action or check, and the conditions that change its flow.
import type { Step } from "../parser/ast.js";

const MAX = 48;

/** Long expressions would stretch the picture; keep the start, which says what is tested. */
export function clip(text: string, max = MAX): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Lines for one step: what it is, then when/retry/guards/expect/policy so a reader sees why it may not run straight. */
export function stepLabel(step: Step): string[] {
  const lines: string[] = [];
  if (step.check) {
    lines.push(step.id ? `${step.id.value}: check ${step.check.value}` : `check ${step.check.value}`);
  } else {
    if (step.id) lines.push(step.id.value);
    lines.push(step.run ? `run ${step.run.value}` : (step.action?.value ?? "(no action)"));
  }
  if (step.when) lines.push(`when ${clip(step.when.text)}`);
  if (step.guards.length > 0) lines.push(`guards: ${step.guards.length}`);
  if (step.retry) lines.push(retryText(step));
  if (step.expect.length > 0) lines.push(`expect: ${step.expect.length}`);
  if (step.verify) lines.push("verify: postcondition");
  if (step.onFailure) lines.push(`onFailure: ${step.onFailure.value}`);
  return lines;
}

function retryText(step: Step): string {
  const r = step.retry!;
  const parts: string[] = [];
  if (r.until) parts.push(`until ${clip(r.until.text, 32)}`);
  if (r.attempts !== undefined) parts.push(`${r.attempts} attempts`);
  if (r.every) parts.push(`every ${r.every.text}`);
  if (r.timeout) parts.push(`within ${r.timeout.text}`);
  return `retry ${parts.join(", ")}`.trim();
}
