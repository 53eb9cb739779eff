// An action's own time limit combined with the run's AbortSignal, telling the two apart afterwards.
import { ActionError } from "./action-error.js";

/** The signal an action's I/O listens to, plus what ended it. */
export interface Deadline {
  signal: AbortSignal;
  /** Aborts only when the time limit passes (not when the run is interrupted). */
  expired: AbortSignal;
  timeoutMs: number;
  /** True once the time limit (not the run) aborted the signal. */
  timedOut(): boolean;
  /** Release the timer. */
  clear(): void;
}

/** A signal that aborts when `parent` does or after `timeoutMs`. */
export function deadline(parent: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  // `expired` is made only when asked for (few actions tell the time limit from an interruption this way).
  let timeUp: AbortController | undefined;
  let timeout: ActionError | undefined;
  const timer = setTimeout(() => {
    timeout = new ActionError("timeout", `timed out after ${timeoutMs} ms`);
    timeUp?.abort(timeout);
    controller.abort(timeout);
  }, timeoutMs);
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      if (!timeUp) {
        timeUp = new AbortController();
        if (timeout) timeUp.abort(timeout);
      }
      return timeUp.signal;
    },
    timeoutMs,
    timedOut: () => timeout !== undefined,
    clear() {
      clearTimeout(timer);
      parent.removeEventListener("abort", onAbort);
    },
  };
}

/** The error to throw once `signal` aborted: an interruption or the step's timeout. */
export function abortError(what: string, d: Deadline, cause?: unknown): ActionError {
  return d.timedOut()
    ? new ActionError(
        "timeout",
        `${what} did not finish within ${d.timeoutMs / 1000} s; raise \`timeout\` if it needs longer`,
        { cause },
      )
    : new ActionError("interrupted", `${what} was interrupted`, { cause: cause ?? d.signal.reason });
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
