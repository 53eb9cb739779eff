// One human sentence per journal event, shared by the terminal view and the plain-line log.

import { formatElapsed } from "../contract/elapsed.js";
import type { FailureRecord } from "../contract/failure.js";
import { formatActor, type RunEvent } from "../run/model/events.js";
import { causeLines } from "../run/model/failure-cause.js";
import type { Paint } from "./ansi.js";

/** What `describe` needs besides the event: when each step started, to print how long it took. */
export interface DescribeContext {
  paint: Paint;
  runId: string;
  stepStart(step: string): number | undefined;
  attempts(step: string): number;
  /** Why the latest rollback started, for the closing line. */
  rollbackReason?: "failure" | "operator" | undefined;
  /** The boundaries of an unwinding started and not finished, which a resume continues. */
  openRollback?: string[] | undefined;
}

// A failure's message is shown whole: actions compose it, and some give it lines of their own (the pods of a
// rollout that did not finish, with their reasons). What comes raw from the world is made one line where it
// enters: an HTTP body in http.check's message, an action's log and progress lines in the views.
const failure = (e: FailureRecord) => `${e.kind}: ${e.message}${e.cause ? ` (${e.cause})` : ""}`;

/** The line that closes a streak of failed attempts the view left out (RepeatedAttempts). */
export function sameFailure(p: Paint, step: string, from: number, to: number): string {
  const which = from === to ? `attempt ${from}` : `attempts ${from}-${to}`;
  return `${p.yellow("!")} ${step} ${which} failed the same way`;
}

/** A line for an event, or undefined when the event says nothing an operator needs to see. */
export function describe(e: RunEvent, ctx: DescribeContext): string | undefined {
  const p = ctx.paint;
  const took = (step: string, at: string) => {
    const start = ctx.stepStart(step);
    return start === undefined ? "" : ` ${p.dim(formatElapsed(Date.parse(at) - start))}`;
  };
  switch (e.type) {
    case "run.started":
      return `${p.bold(`run ${e.runId}`)}: ${e.runbook.name} ${e.runbook.version} (${e.runbook.file}) by ${formatActor(e)}`;
    case "run.resumed": {
      const changes = e.changes?.length ? `, accepting changes: ${e.changes.join("; ")}` : "";
      const rb = ctx.openRollback?.length
        ? `: continuing the rollback of ${ctx.openRollback.join(", ")}`
        : "";
      return `${p.bold(`run ${ctx.runId} resumed`)} by ${formatActor(e)}${changes}${rb}`;
    }
    case "journal.repaired":
      return p.yellow(`cut off a torn last journal line (${e.droppedBytes} bytes) left by a crash`);
    case "lock.forced":
      return p.yellow(
        `forced the lock of run ${e.previous.runId} (pid ${e.previous.pid} on ${e.previous.host}) on ${e.previous.label}`,
      );
    case "lock.taken-over":
      return p.yellow(
        p.bold(
          `■ run ${ctx.runId}: run ${e.to} took over its locks (--force-unlock by ${e.actor ? formatActor(e.actor) : e.by})`,
        ),
      );
    case "run.fenced":
      return p.red(
        `■ the process driving run ${ctx.runId} (pid ${e.pid} on ${e.host}) lost its locks and stopped: ${e.reason}`,
      );
    case "lock.reclaimed":
      return p.yellow(
        `took back its own lock on ${e.previous.label}, held since ${e.previous.startedAt} by its earlier process ${e.previous.pid}, which has ended`,
      );
    case "guards.passed":
      return `${p.green("✓")} guards passed`;
    case "guard.failed":
      return `${p.red("✗")} guard failed${e.step ? ` before ${e.step}` : ""}: ${e.message} ${p.dim(`(${e.expression})`)}`;
    case "phase.entered":
      return p.bold(`▸ phase ${e.phase}${e.boundary ? " (rollback boundary)" : ""}`);
    case "phase.completed":
      return undefined;
    case "step.skipped":
      return e.reason === "when"
        ? `${p.dim("↷")} ${e.step} ${p.dim(`skipped: ${e.condition ?? "its `when` is false"}`)}`
        : `${p.yellow("↷")} ${e.step} marked done by ${e.by ?? "the operator"}${e.overrode ? ", overriding a safety check" : ""}: ${e.note ?? ""}`;
    case "step.started":
      return `${p.cyan("…")} ${e.step} ${p.dim(`${e.action}${e.effect === "write" ? " (write)" : ""}`)}${e.attempt > 1 ? ` attempt ${e.attempt}` : ""}`;
    case "assertion.failed":
      return `${p.red("✗")} ${e.step} expect failed: ${e.message} ${p.dim(`(${e.expression})`)}`;
    case "step.attempt-failed":
      return `${p.yellow("!")} ${e.step} attempt ${e.attempt} failed: ${failure(e.error)}; retrying in ${formatElapsed(e.retryInMs)}`;
    case "step.succeeded": {
      const n = ctx.attempts(e.step);
      const tries = n > 1 ? p.dim(` after ${n} attempts`) : "";
      const settled = e.settledBy ? p.dim(` (settled by ${e.settledBy})`) : "";
      return `${p.green("✓")} ${e.step}${took(e.step, e.at)}${tries}${settled}`;
    }
    case "step.failed":
      return [
        `${p.red("✗")} ${e.step}${took(e.step, e.at)} failed${e.attempt > 1 ? ` after ${e.attempt} attempts` : ""}: ${failure(e.error)}`,
        ...causeLines(e.error, "    ").map((l) => p.dim(l)),
      ].join("\n");
    case "child.started":
      return `${p.cyan("↳")} ${e.step} runs ${e.file} as child run ${e.runId}`;
    case "step.probed":
      return `${p.yellow("?")} ${e.step} was in doubt; its probe says ${e.result}${e.reason ? `: ${e.reason}` : ""}`;
    case "step.verified":
      return `${p.yellow("?")} ${e.step} postcondition ${e.holds ? "holds: already done" : "does not hold"}${e.reason ? `: ${e.reason}` : ""}`;
    case "approval.requested":
      return `${p.magenta("✋")} ${e.step} waits for approval: ${e.prompt}`;
    case "approval.granted":
      return `${p.green("✓")} ${e.step} approved by ${e.actor ? formatActor(e.actor) : e.by} (${e.via})`;
    case "rollback.started": {
      const why =
        e.reason === "operator"
          ? `requested by ${e.by ?? "the operator"}`
          : e.trigger
            ? `${e.trigger.step} failed`
            : "a step failed";
      if (e.boundaries.length === 0) return `⟲ nothing to roll back (no boundary was entered): ${why}`;
      return p.red(p.bold(`⟲ rolling back ${e.boundaries.join(", ")} (newest first): ${why}`));
    }
    case "rollback.completed":
      if (e.boundaries.length === 0) return undefined;
      return e.verified
        ? `${p.green("⟲")} rollback of ${e.boundaries.join(", ")} completed and verified`
        : p.red(`⟲ rollback of ${e.boundaries.join(", ")} completed but NOT verified`);
    case "run.completed":
      return p.green(p.bold(`✓ run ${ctx.runId} completed`));
    case "run.rolled-back":
      return ctx.rollbackReason === "operator"
        ? p.yellow(p.bold(`⟲ run ${ctx.runId} rolled back at the operator's request`))
        : p.red(p.bold(`✗ run ${ctx.runId} failed and was rolled back`));
    case "run.failed":
      return p.red(p.bold(`✗ run ${ctx.runId} failed: ${e.message}`));
    case "run.halted":
      return p.yellow(
        p.bold(`■ run ${ctx.runId} halted (${e.reason})${e.step ? ` at ${e.step}` : ""}: ${e.message}`),
      );
    case "run.interrupted":
      return p.yellow(
        p.bold(`■ run ${ctx.runId} interrupted by ${e.signal}${e.step ? ` during ${e.step}` : ""}`),
      );
  }
}
