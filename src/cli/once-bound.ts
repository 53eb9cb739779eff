// What a command changes in the process once its runbook is loaded and bound, before the first step runs.

import type { SessionOptions } from "../run/sessions/session-options.js";

/**
 * The session with `act` called once the runbook is bound: a session makes its view (`observe`) then, before
 * the first step, or, with no view, at once.
 */
export function onceBound(opts: SessionOptions, act: () => void): SessionOptions {
  const { observe } = opts;
  if (!observe) {
    act();
    return opts;
  }
  return {
    ...opts,
    observe: (run) => {
      act();
      return observe(run);
    },
  };
}
