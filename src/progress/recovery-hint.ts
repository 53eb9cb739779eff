// After a run stops for the operator, the live view ends with the exact commands of each way out.
import type { RunEvent } from "../run/model/events.js";
import { recoveryChoices } from "../run/model/recovery-choices.js";
import { applyEvent, emptyState, type RunState } from "../run/model/state.js";
import type { Paint } from "./ansi.js";

/**
 * Folds a run's events as they come and, when it halts or is interrupted, says what the operator can type next.
 * It keeps the folded state, not the events: a long run's events (each step's output among them) would
 * otherwise stay in memory for as long as the view lives.
 */
export class RecoveryHint {
  /** The run folded so far; undefined until the first event, null when that was not run.started. */
  private state: RunState | null | undefined;

  constructor(
    private readonly paint: Paint,
    private readonly stateDir?: string,
  ) {}

  /** Take in a resumed run's earlier journal events without printing anything, so a later halt can be explained. */
  prime(events: readonly RunEvent[]): void {
    for (const e of events) this.fold(e);
  }

  /** Record the event; returns the hint lines when this event stopped the run for the operator. */
  add(event: RunEvent): string[] {
    this.fold(event);
    if (event.type !== "run.halted" && event.type !== "run.interrupted") return [];
    // A resumed run is primed with its earlier events; without run.started there is nothing to fold.
    if (!this.state) return [];
    // The same choices `rbx status` and `rbx report` give: one module computes them for all three.
    const choices = recoveryChoices(this.state, {
      runner: "gone",
      ...(this.stateDir ? { stateDir: this.stateDir } : {}),
    });
    return choices.flatMap((c) => [
      `  ${this.paint.bold(c.verb)}: ${c.explains}`,
      `      ${this.paint.cyan(c.command)}`,
    ]);
  }

  /** The fold of foldEvents, one event at a time, from the first event on. */
  private fold(event: RunEvent): void {
    if (this.state === undefined) this.state = event.type === "run.started" ? emptyState(event.runId) : null;
    if (this.state) applyEvent(this.state, event);
  }
}
