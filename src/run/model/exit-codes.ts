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

/** The exit-code table as the run verbs' `--help` prints it; docs/operator-guide.md has the same table. */
export const EXIT_STATUS_HELP = `Exit status — one code per outcome, whichever of run, resume or rollback reaches it:
  0    completed; or rolled back at the operator's request (rbx rollback)
  1    failed: a step failed and the boundaries entered were rolled back (also when resume or rollback
       finishes that unwinding), no boundary was entered so nothing was undone, or a runbook guard is false
  2    refused: usage, a document or params that do not check, a lock held by another run, a plan hash
       that differs, a changed document, a finished run
  3    halted for the operator: \`rbx status RUN\` says why and lists the choices; also stopped before its
       next action because the run store stopped answering or another run took its locks
  130  interrupted by SIGINT or SIGTERM (the lock is kept for resume or rollback)`;
