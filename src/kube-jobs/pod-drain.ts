// A pod told to stop (deleted, evicted, drained) finishes the step it is in, within its grace period, then stops:
// its successor then resumes at a step boundary instead of settling a step cut off halfway.
import type { RunEvent } from "../run/model/events.js";

/** Events after which the run is between actions: a safe point to stop. */
const BETWEEN_ACTIONS = new Set<RunEvent["type"]>([
  "step.succeeded",
  "step.failed",
  "step.skipped",
  "step.attempt-failed",
  "step.probed",
  "step.verified",
]);

/** The pod's stop handling: `signal` aborts at the next safe point, or when the drain time is up. */
export interface PodDrain {
  signal: AbortSignal;
  name: () => string;
  /** Give every journaled event here: it tells when a step ends. */
  onEvent: (event: RunEvent) => void;
  dispose: () => void;
}

/**
 * SIGTERM (or SIGINT): if no action runs, stop now; otherwise let the running step end — at most `drainMs`,
 * then cut it off (the successor settles it by its probe). A second signal stops at once.
 */
export function drainOnSignals(drainMs: number, say: (line: string) => void): PodDrain {
  const controller = new AbortController();
  let name = "SIGTERM";
  let inStep = false;
  let draining = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (!controller.signal.aborted) controller.abort(new Error(`interrupted by ${name}`));
  };
  const handler = (sig: NodeJS.Signals) => {
    name = sig;
    if (draining || !inStep) return stop();
    draining = true;
    say(
      `${sig}: the pod is stopping; finishing the current step first (at most ${Math.round(drainMs / 1000)} s)`,
    );
    timer = setTimeout(stop, drainMs);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    name: () => name,
    onEvent: (event) => {
      if (event.type === "step.started") inStep = true;
      else if (BETWEEN_ACTIONS.has(event.type)) {
        inStep = false;
        if (draining) stop();
      }
    },
    dispose: () => {
      clearTimeout(timer);
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
