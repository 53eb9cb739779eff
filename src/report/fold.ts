// Fold a journal's events into a RunReport: timings, attempts, assertions, rollbacks and the way out.
import { formatActor, type RunEvent } from "../run/model/events.js";
import { type RecoveryOptions, recoveryChoices } from "../run/model/recovery-choices.js";
import { foldEvents } from "../run/model/state.js";
import { keyOutputs } from "./key-outputs.js";
import type { AttemptReport, PhaseReport, RollbackReport, RunReport, StepReport } from "./model.js";

/**
 * Options for the commands the report suggests: the `--state-dir` the journal was read from, and whether a
 * process still runs a run the journal shows running (unknown when the report cannot tell).
 */
export type FoldOptions = RecoveryOptions;

const ms = (from: string, to: string | undefined): number | undefined =>
  to === undefined ? undefined : Math.max(0, Date.parse(to) - Date.parse(from));

/** Build the report of one run from its verified events (oldest first). */
export function foldReport(events: readonly RunEvent[], options: FoldOptions = {}): RunReport {
  const first = events[0];
  if (first?.type !== "run.started") throw new Error("a journal starts with run.started; this one does not");
  const report: RunReport = {
    runId: first.runId,
    runbook: first.runbook,
    params: first.params,
    planHash: first.planHash,
    startedAt: first.at,
    outcome: "running",
    sessions: [{ kind: "started", at: first.at, user: first.user, host: first.host }],
    guards: { passed: false, failures: [] },
    phases: [],
    rollbacks: [],
    assertions: [],
    recovery: [],
    notes: [],
    eventCount: events.length,
  };
  /** The latest record of each step id: a resumed or retried step updates the same entry. */
  const steps = new Map<string, StepReport>();
  let phase: PhaseReport | undefined;
  let rollback: RollbackReport | undefined;
  const stepFor = (id: string): StepReport => {
    const known = steps.get(id);
    if (known) return known;
    const created: StepReport = {
      id,
      phase: rollback ? (rollback.boundaries[0] ?? "") : (phase?.id ?? ""),
      status: "running",
      rollback: rollback !== undefined,
      attempts: [],
      keyOutputs: [],
    };
    steps.set(id, created);
    place(created);
    return created;
  };
  const place = (step: StepReport) => {
    if (rollback) rollback.steps.push(step);
    else if (phase) phase.steps.push(step);
  };
  const lastAttempt = (s: StepReport): AttemptReport | undefined => s.attempts[s.attempts.length - 1];
  const finishAttempt = (s: StepReport, at: string, outcome: AttemptReport["outcome"]) => {
    const a = lastAttempt(s);
    if (!a || a.endedAt) return;
    a.endedAt = at;
    a.durationMs = ms(a.startedAt, at);
    a.outcome = outcome;
  };
  const finishStep = (s: StepReport, at: string) => {
    s.endedAt = at;
    if (s.startedAt) s.durationMs = ms(s.startedAt, at);
  };

  for (const e of events) {
    switch (e.type) {
      case "run.started":
        break;
      case "run.resumed":
        report.sessions.push({
          kind: "resumed",
          at: e.at,
          user: e.user,
          host: e.host,
          ...(e.changes ? { changes: e.changes } : {}),
        });
        // A resumed run is running again until the journal says otherwise.
        report.outcome = "running";
        delete report.endedAt;
        delete report.message;
        delete report.haltReason;
        delete report.stoppedAt;
        break;
      case "journal.repaired":
        report.notes.push(`${e.at}: a torn last line (${e.droppedBytes} bytes) from a crash was cut off`);
        break;
      case "lock.forced":
        report.notes.push(
          `${e.at}: ${e.by} forced the lock held by run ${e.previous.runId} (pid ${e.previous.pid} on ${e.previous.host})`,
        );
        break;
      case "lock.taken-over":
        end(report, e.at, "halted");
        report.haltReason = "lock-taken-over";
        report.message = `run ${e.to} took over its locks (--force-unlock by ${e.actor ? formatActor(e.actor) : e.by})`;
        report.notes.push(`${e.at}: ${report.message}`);
        break;
      case "run.fenced":
        report.notes.push(
          `${e.at}: the process driving it (pid ${e.pid} on ${e.host}) found it no longer held the locks and stopped: ${e.reason}` +
            (e.discarded > 0 ? ` (${e.discarded} unrecorded event(s) discarded)` : ""),
        );
        break;
      case "lock.reclaimed":
        report.notes.push(
          `${e.at}: took back its own lock on ${e.previous.label}, held by its earlier process (pid ${e.previous.pid} on ${e.previous.host}, which had ended)`,
        );
        break;
      case "guards.passed":
        report.guards.passed = true;
        break;
      case "guard.failed": {
        const failure = {
          expression: e.expression,
          message: e.message,
          holds: false,
          ...(e.step ? { step: e.step } : {}),
        };
        if (e.step) stepFor(e.step).status = "failed";
        else report.guards.failures.push(failure);
        report.assertions.push(failure);
        break;
      }
      case "phase.entered": {
        const known = report.phases.find((p) => p.id === e.phase);
        phase = known ?? { id: e.phase, boundary: e.boundary, enteredAt: e.at, status: "running", steps: [] };
        phase.status = "running";
        if (!known) report.phases.push(phase);
        break;
      }
      case "phase.completed": {
        const p = report.phases.find((x) => x.id === e.phase);
        if (p) {
          p.status = "completed";
          p.completedAt = e.at;
          p.durationMs = ms(p.enteredAt, e.at);
        }
        break;
      }
      case "step.skipped": {
        const s = stepFor(e.step);
        s.status = "skipped";
        s.skipped = {
          reason: e.reason,
          ...(e.by ? { by: e.by } : {}),
          ...(e.note ? { note: e.note } : {}),
          ...(e.overrode ? { overrode: e.overrode } : {}),
          ...(e.condition ? { condition: e.condition } : {}),
        };
        if (e.reason === "operator")
          report.notes.push(
            e.overrode
              ? `${e.at}: ${e.by ?? "the operator"} overrode the safety check ${e.step} (its ${e.overrode === "guard" ? "guard was false" : "check did not pass"}) and marked it done: ${e.note ?? "no reason given"}`
              : `${e.at}: ${e.by ?? "the operator"} marked ${e.step} done: ${e.note ?? "no reason given"}`,
          );
        finishStep(s, e.at);
        break;
      }
      case "step.started": {
        const known = steps.get(e.step);
        // The same check suite run again in a later phase is a new entry, not more attempts of the first.
        if (known && known.status !== "running" && known.phase !== e.phase && e.attempt === 1)
          steps.delete(e.step);
        const s = stepFor(e.step);
        s.action = e.action;
        s.effect = e.effect;
        if (e.phase) s.phase = e.phase;
        s.status = "running";
        s.startedAt ??= e.at;
        delete s.endedAt;
        delete s.durationMs;
        s.attempts.push({ attempt: e.attempt, startedAt: e.at, outcome: "running", assertions: [] });
        break;
      }
      case "assertion.failed": {
        const result = {
          step: e.step,
          attempt: e.attempt,
          expression: e.expression,
          message: e.message,
          holds: false,
        };
        const a = lastAttempt(stepFor(e.step));
        if (a) a.assertions.push(result);
        report.assertions.push(result);
        break;
      }
      case "step.attempt-failed": {
        const s = stepFor(e.step);
        finishAttempt(s, e.at, "failed");
        const a = lastAttempt(s);
        if (a) {
          a.error = e.error;
          a.retryInMs = e.retryInMs;
        }
        break;
      }
      case "step.succeeded": {
        const s = stepFor(e.step);
        finishAttempt(s, e.at, "succeeded");
        s.status = "succeeded";
        s.output = e.output;
        s.keyOutputs = keyOutputs(e.output);
        if (e.settledBy) s.settledBy = e.settledBy;
        delete s.error;
        finishStep(s, e.at);
        break;
      }
      case "step.failed": {
        const s = stepFor(e.step);
        finishAttempt(s, e.at, "failed");
        const a = lastAttempt(s);
        if (a) a.error ??= e.error;
        s.status = "failed";
        s.error = e.error;
        finishStep(s, e.at);
        if (phase && !s.rollback) {
          phase.status = "failed";
          phase.durationMs = ms(phase.enteredAt, e.at);
        }
        break;
      }
      case "child.started":
        stepFor(e.step).child = { runId: e.runId, file: e.file };
        break;
      case "step.probed":
        stepFor(e.step).settlement = `probe: ${e.result}${e.reason ? ` (${e.reason})` : ""}`;
        break;
      case "step.verified":
        stepFor(e.step).settlement =
          `postcondition ${e.holds ? "holds" : "does not hold"}${e.reason ? ` (${e.reason})` : ""}`;
        break;
      case "approval.requested": {
        const s = stepFor(e.step);
        s.approval = { prompt: e.prompt };
        s.status = "waiting-approval";
        break;
      }
      case "approval.granted": {
        const s = stepFor(e.step);
        const by = e.actor ? formatActor(e.actor) : e.by;
        const earlier = s.approval?.by && s.approval.by !== by ? `${s.approval.by}, ` : "";
        s.approval = { prompt: s.approval?.prompt ?? "", by: `${earlier}${by}`, via: e.via };
        if (s.status === "waiting-approval") s.status = "running";
        break;
      }
      case "rollback.started":
        rollback = {
          reason: e.reason,
          boundaries: e.boundaries,
          startedAt: e.at,
          status: "running",
          steps: [],
          ...(e.by ? { by: e.by } : {}),
          ...(e.trigger ? { trigger: e.trigger } : {}),
        };
        report.rollbacks.push(rollback);
        // Rollback steps are recorded apart, even when their ids repeat a forward step's id.
        for (const [id, s] of steps) if (!s.rollback) steps.delete(id);
        break;
      case "rollback.completed":
        if (rollback) {
          rollback.status = "completed";
          rollback.verified = e.verified;
          rollback.endedAt = e.at;
          rollback.durationMs = ms(rollback.startedAt, e.at);
        }
        break;
      case "run.completed":
        end(report, e.at, "completed");
        break;
      case "run.rolled-back":
        end(report, e.at, "rolled-back");
        break;
      case "run.failed":
        end(report, e.at, "failed");
        report.message = e.message;
        break;
      case "run.halted":
        end(report, e.at, "halted");
        report.message = e.message;
        report.haltReason = e.reason;
        if (e.step) report.stoppedAt = e.step;
        if (rollback && rollback.status === "running") {
          rollback.status = "failed";
          rollback.endedAt = e.at;
          rollback.durationMs = ms(rollback.startedAt, e.at);
        }
        break;
      case "run.interrupted":
        end(report, e.at, "interrupted");
        report.message = `interrupted by ${e.signal}`;
        if (e.step) {
          report.stoppedAt = e.step;
          const s = steps.get(e.step);
          if (s && s.status === "running") {
            s.status = "interrupted";
            finishAttempt(s, e.at, "failed");
          }
        }
        break;
    }
  }
  // A step still "running" when the journal ends was started but never recorded as finished.
  if (report.outcome !== "running") {
    for (const s of [...report.phases.flatMap((p) => p.steps), ...report.rollbacks.flatMap((r) => r.steps)]) {
      if (s.status === "running") s.status = "in-doubt";
    }
  }
  report.recovery = recoveryChoices(foldEvents(report.runId, events), options);
  return report;
}

function end(report: RunReport, at: string, outcome: RunReport["outcome"]): void {
  report.outcome = outcome;
  report.endedAt = at;
  report.durationMs = ms(report.startedAt, at);
}
