// The words and marks every renderer uses for outcomes and step states, so md, html and text agree.
import { causeLines } from "../run/model/failure-cause.js";
import type { RunOutcome, RunReport, StepStatus } from "./model.js";

/** A run's outcome in a few words; a rollback reads differently when the operator asked for it. */
export function outcomeText(outcome: RunOutcome, rollbackReason?: "failure" | "operator"): string {
  switch (outcome) {
    case "completed":
      return "completed";
    case "rolled-back":
      return rollbackReason === "operator"
        ? "rolled back on the operator's request"
        : "failed and rolled back";
    case "failed":
      return "failed";
    case "halted":
      return "halted, waiting for the operator";
    case "interrupted":
      return "interrupted";
    case "running":
      return "running, or crashed (no end recorded)";
  }
}

/** One mark per step state, readable without colour. */
export function statusMark(status: StepStatus): string {
  switch (status) {
    case "succeeded":
      return "✅";
    case "failed":
      return "❌";
    case "skipped":
      return "⏭️";
    case "running":
      return "⏳";
    case "in-doubt":
      return "❓";
    case "waiting-approval":
      return "✋";
    case "interrupted":
      return "⛔";
  }
}

/** One short word per step state, for places where emoji may not render (the HTML report). */
export function statusWord(status: StepStatus): string {
  return status === "succeeded"
    ? "ok"
    : status === "waiting-approval"
      ? "approval"
      : status.replace("-", " ");
}

/**
 * The cause of the step the run stopped at (or whose failure started the latest rollback): the last output its
 * `until` judged and what its target looked like, as lines (empty when the journal records none).
 */
export function stoppedCause(report: RunReport): string[] {
  const all = [...report.phases.flatMap((p) => p.steps), ...report.rollbacks.flatMap((r) => r.steps)];
  const at = report.stoppedAt ? all.find((s) => s.id === report.stoppedAt) : undefined;
  const error = at?.error ?? report.rollbacks.at(-1)?.trigger?.error;
  return causeLines(error, "");
}
