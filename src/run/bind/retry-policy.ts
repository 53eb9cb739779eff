// How many attempts a step gets and how long it waits between them (`retry:` with backoff and caps).
import type { Retry } from "../../parser/ast.js";
import type { StepDurations } from "./step-durations.js";

/** Wait before the first retry when `every` is not given. */
export const DEFAULT_EVERY_MS = 1000;
/** Attempts when `retry:` gives neither `attempts` nor an overall `timeout`. */
export const DEFAULT_ATTEMPTS = 3;

/** The most attempts a step may make (Infinity: bounded by the overall timeout only). */
export function maxAttempts(retry: Retry | undefined): number {
  if (!retry) return 1;
  if (retry.attempts !== undefined) return Math.max(1, retry.attempts);
  return retry.timeout ? Number.POSITIVE_INFINITY : DEFAULT_ATTEMPTS;
}

/**
 * The wait after attempt `attempt` failed: `every × backoff^(attempt-1)`, capped by `maxEvery` (both taken
 * from the step's resolved durations, so templates count with the value they had when the step started).
 */
export function retryDelay(retry: Retry | undefined, durations: StepDurations, attempt: number): number {
  const every = durations.every ?? DEFAULT_EVERY_MS;
  const grown = every * (retry?.backoff ?? 1) ** Math.max(0, attempt - 1);
  const cap = durations.maxEvery;
  return Math.round(cap !== undefined ? Math.min(grown, cap) : grown);
}
