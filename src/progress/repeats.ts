// Identical retry lines collapsed: a step that fails the same way attempt after attempt is said once, then counted.
import type { FailureRecord } from "../contract/failure.js";
import type { RunEvent } from "../run/model/events.js";

interface Streak {
  message: string;
  /** The first and last attempt of the streak that were not printed. */
  from: number;
  to: number;
}

/** What a renderer does with an event: print it, or leave it out as a repeat; and lines to print first. */
export interface RepeatVerdict {
  /** Lines that close a streak of repeats, printed before the event's own line. */
  before: string[];
  /** False for a repeated failed attempt, and for the start of the attempt after it. */
  show: boolean;
}

const key = (e: FailureRecord) => `${e.kind}\u0000${e.message}\u0000${e.cause ?? ""}`;

/**
 * Per step, the failure of its last failed attempt. A failed attempt that says exactly what the previous one
 * said is left out, and so are the starts of the attempts that follow it, until the step fails differently
 * or ends: then one line says how many attempts failed the same way.
 */
export class RepeatedAttempts {
  private readonly last = new Map<string, string>();
  private readonly streaks = new Map<string, Streak>();

  constructor(private readonly summary: (step: string, from: number, to: number) => string) {}

  /** The verdict on an event, before the renderer prints it. */
  judge(e: RunEvent): RepeatVerdict {
    if (!("step" in e) || e.step === undefined) return { before: this.closeAll(), show: true };
    const step = e.step;
    if (e.type === "step.attempt-failed") {
      const k = key(e.error);
      const streak = this.streaks.get(step);
      if (this.last.get(step) === k) {
        if (streak) streak.to = e.attempt;
        else this.streaks.set(step, { message: k, from: e.attempt, to: e.attempt });
        return { before: [], show: false };
      }
      this.last.set(step, k);
      return { before: this.close(step), show: true };
    }
    if (e.type === "step.started" && this.streaks.has(step)) return { before: [], show: false };
    const ended = e.type === "step.succeeded" || e.type === "step.failed" || e.type === "step.skipped";
    const before = ended || e.type !== "step.started" ? this.close(step) : [];
    if (ended) this.last.delete(step);
    return { before, show: true };
  }

  private close(step: string): string[] {
    const streak = this.streaks.get(step);
    if (!streak) return [];
    this.streaks.delete(step);
    return [this.summary(step, streak.from, streak.to)];
  }

  private closeAll(): string[] {
    return [...this.streaks.keys()].flatMap((step) => this.close(step));
  }
}
