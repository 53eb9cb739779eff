// A step's deadlines and waits in milliseconds, with `${{ }}` durations resolved when the step starts.

import { formatDuration } from "../../contract/duration.js";
import type { DurationValue, Step } from "../../parser/ast.js";
import type { EvalScope, Evaluated, Evaluator } from "./evaluator.js";

/** The durations a step's attempt needs, in milliseconds (absent: not given). */
export interface StepDurations {
  /** The step's `timeout`: the deadline of one attempt. */
  timeout?: number;
  /** `retry.timeout`: the deadline of all attempts together. */
  retryTimeout?: number;
  /** `retry.every`: the wait after the first failed attempt. */
  every?: number;
  /** `retry.maxEvery`: the cap of the wait as backoff grows it. */
  maxEvery?: number;
}

/** One duration in milliseconds: a literal's own, or its template evaluated now. */
export function durationMs(d: DurationValue, evaluator: Evaluator, scope: EvalScope): Evaluated<number> {
  return d.template ? evaluator.duration(d.template, scope) : { ok: true, value: d.ms };
}

/**
 * Every duration of a step. Deterministic for a given state (templates read params and earlier steps), so
 * the run loop may resolve them again on each attempt; a value that is not a duration names its field.
 */
export function resolveDurations(
  step: Step,
  evaluator: Evaluator,
  scope: EvalScope,
): Evaluated<StepDurations> {
  // Most steps give none: nothing to evaluate.
  if (!step.timeout && !step.retry) return { ok: true, value: {} };
  const fields: [keyof StepDurations, string, DurationValue | undefined][] = [
    ["timeout", "timeout", step.timeout],
    ["retryTimeout", "retry.timeout", step.retry?.timeout],
    ["every", "retry.every", step.retry?.every],
    ["maxEvery", "retry.maxEvery", step.retry?.maxEvery],
  ];
  const out: StepDurations = {};
  for (const [key, field, d] of fields) {
    if (!d) continue;
    const r = durationMs(d, evaluator, scope);
    if (!r.ok) return { ok: false, message: `${field} \`${d.text}\`: ${r.message}` };
    out[key] = r.value;
  }
  return { ok: true, value: out };
}

/** The deadline of the next attempt: its own timeout, cut to what is left of the overall `retry.timeout`. */
export function attemptTimeout(
  d: StepDurations,
  firstAt: number | undefined,
  now: number,
): number | undefined {
  const own = d.timeout;
  const overall = d.retryTimeout;
  if (overall === undefined) return own;
  const remaining = overall - (firstAt === undefined ? 0 : now - firstAt);
  return own === undefined ? remaining : Math.min(own, remaining);
}

/** A duration as written, with its resolved value when it was a template. */
export function shownDuration(text: string | undefined, ms: number | undefined): string {
  return text?.includes("${{") && ms !== undefined ? `${formatDuration(ms)} (${text})` : String(text);
}
