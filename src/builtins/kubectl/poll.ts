// Bounded polling for the waiting kubectl actions: stop on success, on the deadline or when the run is interrupted.
import { abortError, type Deadline, sleep } from "../shared/deadline.js";

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

/**
 * Call `check` every `intervalMs` until it returns a value; `onTimeout` builds the error when the deadline passes
 * (it may do one last read, e.g. to collect the failing pods' reasons).
 */
export async function pollUntil<T>(
  d: Deadline,
  intervalMs: number,
  what: string,
  check: () => Promise<T | undefined>,
  onTimeout: () => Promise<Error>,
): Promise<T> {
  for (;;) {
    try {
      const found = await untilAborted(check(), d, what);
      if (found !== undefined) return found;
      await sleep(intervalMs, d.signal);
    } catch (error) {
      if (d.timedOut()) throw await onTimeout();
      if (d.signal.aborted) throw abortError(what, d, error);
      throw error;
    }
  }
}
