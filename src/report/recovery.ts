// The operator's ways out of a stopped run (fix forward, mark done, unwind), as exact commands.
import type { RecoveryChoice, RunReport } from "./model.js";

/** Quote a word for a POSIX shell only when it needs it, so commands can be pasted as shown. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._\-/=:@+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Boundaries entered and not yet unwound, newest first: what `rbx rollback` would undo now. */
export function boundariesToUnwind(report: RunReport): string[] {
  const undone = new Set(
    report.rollbacks.filter((r) => r.status === "completed").flatMap((r) => r.boundaries),
  );
  return report.phases
    .filter((p) => p.boundary && !undone.has(p.id))
    .map((p) => p.id)
    .reverse();
}

/** The recovery choices for a run as it stands; empty when it needs nothing from the operator. */
export function recoveryChoices(report: RunReport, stateDir?: string): RecoveryChoice[] {
  const extra = stateDir ? ["--state-dir", stateDir] : [];
  const cmd = (...words: string[]) => ["rbx", ...words, ...extra].map(shellWord).join(" ");
  const run = report.runId;
  const step = report.stoppedAt;
  const unwind = boundariesToUnwind(report);
  const unwindText =
    unwind.length > 0
      ? `unwind ${unwind.join(", ")} (newest first) by their rollback steps, then verify`
      : "";
  const choices: RecoveryChoice[] = [];
  const rollbackChoice = (): void => {
    if (unwind.length > 0)
      choices.push({ verb: "rollback", command: cmd("rollback", run), explains: unwindText });
  };
  switch (report.outcome) {
    case "halted":
      if (report.haltReason === "waiting-for-approval" && step) {
        choices.push({
          verb: "approve",
          command: cmd("resume", run, "--approve", step),
          explains: `approve ${step} and continue the run`,
        });
      } else {
        const where = step ? ` from ${step}` : "";
        const what = report.haltReason === "rollback-failed" ? "continue the rollback" : `continue${where}`;
        choices.push({
          verb: "resume",
          command: cmd("resume", run),
          explains: `fix the cause, then ${what} (fix forward)`,
        });
      }
      // Skipping an approval would bypass the person it asks; approving is the way past it.
      if (step && report.haltReason !== "rollback-failed" && report.haltReason !== "waiting-for-approval") {
        choices.push({
          verb: "skip",
          command: `${cmd("skip", run, step)} --reason ${shellWord("<why it is already done>")}`,
          explains: `mark ${step} done without running it (the reason and your name are recorded), then resume`,
        });
      }
      rollbackChoice();
      break;
    case "interrupted":
    case "running":
      choices.push({
        verb: "resume",
        command: cmd("resume", run),
        explains:
          report.outcome === "running"
            ? "if the run's process is gone (crashed), continue it; a step started but not finished is settled by its probe first"
            : `continue${step ? ` from ${step}` : ""}; an interrupted write step is settled by its probe first`,
      });
      rollbackChoice();
      break;
    case "completed":
      rollbackChoice();
      break;
    default:
      break;
  }
  return choices;
}
