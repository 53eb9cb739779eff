// The documented exit codes of the run verbs, one per outcome whichever verb reaches it.
import type { RunStatus } from "./state.js";

/** The documented exit codes. */
export const EXIT_CODES = { completed: 0, failed: 1, usage: 2, halted: 3, interrupted: 130 } as const;

/** The exit code for the status a run reached; a rollback the operator asked for succeeds with 0. */
export function exitCodeFor(status: RunStatus, operatorRollback = false): number {
  switch (status) {
    case "completed":
      return 0;
    case "rolled-back":
      return operatorRollback ? 0 : 1;
    case "halted":
      return 3;
    case "interrupted":
      return 130;
    default:
      return 1;
  }
}
