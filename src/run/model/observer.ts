// The hook the interpreter calls as a run advances: journal events, and what running actions wait for.
import type { RunEvent } from "./events.js";

/**
 * Something that watches a run. The interpreter calls `onEvent` once per journal event, right after
 * the event was appended (the event as journaled, so already redacted), `onProgress` whenever an
 * action calls `ctx.log.progress`, `onLog` for `ctx.log.info/warn`, and `close` once when the run
 * stops (any outcome, also on SIGINT) so timers stop and the terminal is left tidy.
 */
export interface RunObserver {
  onEvent(event: RunEvent): void;
  /** `step` is the journal's step key; `message` is already redacted by the action logger. */
  onProgress(step: string, message: string): void;
  onLog(step: string, level: "info" | "warn", message: string): void;
  /** Stop redrawing while the terminal asks the operator something (an approval, an in-doubt step). */
  pause?(): void;
  /** Draw again after the question was answered. */
  resume?(): void;
  /** Write out what the view holds back, before something else writes to the same terminal. */
  flush?(): void;
  close(): void;
}

/** Several observers as one, called in order; one throwing does not stop the others or the run. */
export function fanOut(...observers: RunObserver[]): RunObserver {
  const each = (f: (o: RunObserver) => void) => {
    for (const o of observers) {
      try {
        f(o);
      } catch {
        // An observer is a view; a broken view must never change the run.
      }
    }
  };
  return {
    onEvent: (e) => each((o) => o.onEvent(e)),
    onProgress: (s, m) => each((o) => o.onProgress(s, m)),
    onLog: (s, l, m) => each((o) => o.onLog(s, l, m)),
    pause: () => each((o) => o.pause?.()),
    resume: () => each((o) => o.resume?.()),
    flush: () => each((o) => o.flush?.()),
    close: () => each((o) => o.close()),
  };
}
