// The steps running right now and what each waits for: the state the live view draws from.
import { formatElapsed } from "../contract/elapsed.js";
import type { RunEvent } from "../run/model/events.js";
import type { Paint } from "./ansi.js";
import type { DescribeContext } from "./describe.js";

/** One running step as the live view shows it. */
export interface LiveStep {
  key: string;
  action: string;
  effect: "read" | "write";
  /** When the first attempt started (ms since epoch), for the elapsed time. */
  startedAt: number;
  attempt: number;
  /** Latest `ctx.log.progress` message, e.g. "3/5 replicas available". */
  waitingFor?: string;
  /** Between attempts: when the next one starts. */
  retryAt?: number;
  approval?: string;
}

/**
 * What a running step is doing, as the live view and the plain log's heartbeat both say it: its action, how
 * long it has run, the attempt (`attempt 2/5`), and what it waits for (an approval, the next attempt, what
 * the action last reported).
 */
export function runningParts(s: LiveStep, now: number, paint: Paint, maxAttempts?: number): string[] {
  const parts = [
    paint.dim(s.action + (s.effect === "write" ? " (write)" : "")),
    formatElapsed(now - s.startedAt),
  ];
  if (s.attempt > 1 || maxAttempts !== undefined)
    parts.push(`attempt ${s.attempt}${maxAttempts !== undefined ? `/${maxAttempts}` : ""}`);
  if (s.approval) parts.push(paint.magenta(`waiting for approval: ${s.approval}`));
  else if (s.retryAt !== undefined && s.retryAt > now)
    parts.push(paint.yellow(`next attempt in ${formatElapsed(s.retryAt - now)}`));
  if (s.waitingFor) parts.push(`waiting for: ${s.waitingFor}`);
  return parts;
}

/** Tracks running steps and first-start times from journal events; renderers read it. */
export class LiveSteps {
  readonly running = new Map<string, LiveStep>();
  private readonly firstStart = new Map<string, number>();
  private readonly attemptCount = new Map<string, number>();
  runId = "";
  /** Why the latest unwinding started: a failed step, or an operator's `rbx rollback`. */
  rollbackReason: "failure" | "operator" | undefined;
  /** The boundaries of an unwinding started and not finished: a resume continues it. */
  openRollback: string[] | undefined;

  /** Apply one event to the running steps, first-start times and attempt counts. */
  apply(e: RunEvent): void {
    switch (e.type) {
      case "run.started":
        this.runId = e.runId;
        break;
      case "step.started": {
        const at = Date.parse(e.at);
        if (!this.firstStart.has(e.step) || e.attempt === 1) this.firstStart.set(e.step, at);
        this.attemptCount.set(e.step, e.attempt);
        const prev = this.running.get(e.step);
        this.running.set(e.step, {
          key: e.step,
          action: e.action,
          effect: e.effect,
          startedAt: this.firstStart.get(e.step) ?? at,
          attempt: e.attempt,
          ...(prev?.waitingFor ? { waitingFor: prev.waitingFor } : {}),
        });
        break;
      }
      case "rollback.started":
        this.rollbackReason = e.reason;
        this.openRollback = e.boundaries;
        break;
      case "rollback.completed":
        this.openRollback = undefined;
        break;
      case "step.attempt-failed": {
        const s = this.running.get(e.step);
        if (s) s.retryAt = Date.parse(e.at) + e.retryInMs;
        break;
      }
      case "approval.requested": {
        const s = this.running.get(e.step);
        if (s) s.approval = e.prompt;
        break;
      }
      case "step.succeeded":
      case "step.failed":
      case "step.skipped":
        this.running.delete(e.step);
        break;
      case "run.completed":
      case "run.rolled-back":
      case "run.failed":
      case "run.halted":
      case "run.interrupted":
        this.running.clear();
        break;
      default:
        break;
    }
  }

  /**
   * Take in a resumed run's earlier events (run id, first starts, attempts) without treating any step as
   * running: a step left in doubt is settled again before anything runs.
   */
  prime(events: readonly RunEvent[]): void {
    for (const e of events) this.apply(e);
    this.running.clear();
  }

  /** Record what a running step waits for; the attempt's retry wait is over once it reports again. */
  progress(step: string, message: string): void {
    const s = this.running.get(step);
    if (s) s.waitingFor = message;
  }

  /** When the step's first attempt started, if it did. */
  stepStart(step: string): number | undefined {
    return this.firstStart.get(step);
  }

  /** The latest attempt number seen for a step (0 if never started). */
  attempts(step: string): number {
    return this.attemptCount.get(step) ?? 0;
  }

  /** What `describe` needs to word `event`, as the run stands before the event is applied. */
  describeContext(paint: Paint, event: RunEvent): DescribeContext {
    return {
      paint,
      runId: this.runId || (event.type === "run.started" ? event.runId : ""),
      stepStart: (s) => this.stepStart(s),
      attempts: (s) => this.attempts(s),
      rollbackReason: this.rollbackReason,
      openRollback: this.openRollback,
    };
  }
}
