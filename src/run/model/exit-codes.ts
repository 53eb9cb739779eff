// The documented exit codes of the run verbs, one per outcome whichever verb reaches it.
import type { RunState } from "./state.js";

/** The documented exit codes. */
export const EXIT_CODES = { completed: 0, failed: 1, usage: 2, halted: 3, interrupted: 130 } as const;

/**
 * The exit code of the outcome a run reached, from its journal alone, so `rbx run`, `resume` and `rollback`
 * agree: an unwinding the operator asked for succeeded (0), one a failed step forced is a failure (1).
 */
export function exitCodeFor(state: Pick<RunState, "status" | "rollback">): number {
  switch (state.status) {
    case "completed":
      return EXIT_CODES.completed;
    case "rolled-back":
      return state.rollback?.reason === "operator" ? EXIT_CODES.completed : EXIT_CODES.failed;
    case "halted":
      return EXIT_CODES.halted;
    case "interrupted":
      return EXIT_CODES.interrupted;
    default:
      return EXIT_CODES.failed;
  }
}
