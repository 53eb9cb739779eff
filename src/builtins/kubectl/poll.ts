// Bounded polling for the waiting kubectl actions: stop on success, on the deadline or when the run is interrupted;
// an API that refuses, resets or does not answer is ridden out (with backoff, said as progress) until the deadline.
import type { ActionLogger } from "../../contract/action.js";
import { classifyCode } from "../../contract/failure.js";
import { ActionError } from "../shared/action-error.js";
import { abortError, type Deadline, sleep } from "../shared/deadline.js";
import { networkPhrase } from "../shared/network-errors.js";

/** Resolve `p`, or reject as soon as the deadline's signal aborts (client-node calls take no signal). */
export function untilAborted<T>(p: Promise<T>, d: Deadline, what: string): Promise<T> {
  if (d.signal.aborted) return Promise.reject(abortError(what, d));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(what, d));
    d.signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        d.signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        d.signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** How long one API request may take before the API counts as not answering (a short wait allows less). */
export const REQUEST_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 10_000;

/** Resolve `p`, or reject with `no-answer` after `ms` (the request itself cannot be cancelled). */
export function answerWithin<T>(p: Promise<T>, ms: number, target: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new ActionError("no-answer", `${target} did not answer within ${Math.round(ms / 1000)} s`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** What a wait learnt about its target: did it ever answer, and is it answering now. */
export interface Reachability {
  /** The target answered at least once. */
  answered: boolean;
  /** Since when it has not answered (ms since epoch), when it is not answering now. */
  downSince?: number;
  /** The last transient error, while it is not answering. */
  lastError?: ActionError;
}

/** True for an error a wait rides out: the target did not answer, or answered that it is busy. */
export function isTransient(error: unknown): error is ActionError {
  if (!(error instanceof ActionError)) return false;
  const c = classifyCode(error.code);
  return c.retryable && (c.category === "unreachable" || c.category === "transient");
}

/**
 * Why a wait ended without its condition, as far as the target is concerned: undefined when the target was
 * answering at the deadline (the condition simply did not hold); otherwise the code of the last error and a
 * clause such as "the Kubernetes API never answered (connection refused)".
 */
export function unanswered(
  reach: Reachability,
  target: string,
  now = Date.now(),
): { code: string; clause: string } | undefined {
  if (reach.downSince === undefined || !reach.lastError) return undefined;
  const why = networkPhrase(reach.lastError.code);
  const clause = reach.answered
    ? `${target} stopped answering ${Math.round((now - reach.downSince) / 1000)} s before the deadline (${why})`
    : `${target} never answered (${why})`;
  return { code: reach.lastError.code, clause };
}

/** What a poll needs besides its check. */
export interface PollOptions {
  d: Deadline;
  intervalMs: number;
  /** Names the wait in an interruption, e.g. "rollout of deployment ns/api". */
  what: string;
  /** Names the target in progress lines, e.g. "the Kubernetes API". */
  target: string;
  log: ActionLogger;
}

/**
 * Call `check` every `intervalMs` until it returns a value. Transient failures (refused, reset, no answer within
 * REQUEST_TIMEOUT_MS, throttled, 5xx) are retried with backoff and said as progress ("the Kubernetes API
 * unreachable for 20 s"); any other error ends the wait. At the deadline `onTimeout` builds the error from what
 * was learnt about the target (it may do one last read, e.g. to collect the failing pods' reasons).
 */
export async function pollUntil<T>(
  o: PollOptions,
  check: () => Promise<T | undefined>,
  onTimeout: (reach: Reachability) => Promise<Error>,
): Promise<T> {
  const reach: Reachability = { answered: false };
  let backoff = o.intervalMs;
  // A short wait cannot afford a long silent request: at most a quarter of it (and 1 s at least).
  const requestMs = Math.min(REQUEST_TIMEOUT_MS, Math.max(1_000, o.d.timeoutMs / 4));
  for (;;) {
    try {
      const found = await untilAborted(answerWithin(check(), requestMs, o.target), o.d, o.what);
      if (reach.downSince !== undefined)
        o.log.progress(
          `${o.target} answers again after ${Math.round((Date.now() - reach.downSince) / 1000)} s`,
        );
      reach.answered = true;
      reach.downSince = undefined;
      reach.lastError = undefined;
      backoff = o.intervalMs;
      if (found !== undefined) return found;
      await sleep(o.intervalMs, o.d.signal);
    } catch (error) {
      if (o.d.timedOut()) throw await onTimeout(reach);
      if (o.d.signal.aborted) throw abortError(o.what, o.d, error);
      if (!isTransient(error)) throw error;
      const now = Date.now();
      reach.downSince ??= now;
      reach.lastError = error;
      const down = Math.round((now - reach.downSince) / 1000);
      o.log.progress(
        `${o.target} ${error.code === "throttled" || error.code.startsWith("api-") ? "busy" : "unreachable"} for ${down} s (${networkPhrase(error.code)}); retrying until the timeout`,
      );
      try {
        await sleep(backoff, o.d.signal);
      } catch {
        if (o.d.timedOut()) throw await onTimeout(reach);
        throw abortError(o.what, o.d, error);
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
