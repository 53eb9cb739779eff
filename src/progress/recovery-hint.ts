// After a run stops for the operator, the live view ends with the exact commands of each way out.
import type { RunEvent } from "../run/model/events.js";
import { recoveryChoices } from "../run/model/recovery-choices.js";
import { foldEvents } from "../run/model/state.js";
import type { Paint } from "./ansi.js";

/** Collects a run's events and, when it halts or is interrupted, says what the operator can type next. */
export class RecoveryHint {
  private readonly events: RunEvent[] = [];

  constructor(
    private readonly paint: Paint,
    private readonly stateDir?: string,
  ) {}

  /** Take in a resumed run's earlier journal events without printing anything, so a later halt can be explained. */
  prime(events: readonly RunEvent[]): void {
    this.events.push(...events);
  }

  /** Record the event; returns the hint lines when this event stopped the run for the operator. */
  add(event: RunEvent): string[] {
    this.events.push(event);
    if (event.type !== "run.halted" && event.type !== "run.interrupted") return [];
    const first = this.events[0];
    // A resumed run is primed with its earlier events; without run.started there is nothing to fold.
    if (first?.type !== "run.started") return [];
    // The same choices `rbx status` and `rbx report` give: one module computes them for all three.
    const state = foldEvents(first.runId, this.events);
    const choices = recoveryChoices(state, {
      runner: "gone",
      ...(this.stateDir ? { stateDir: this.stateDir } : {}),
    });
    return choices.flatMap((c) => [
      `  ${this.paint.bold(c.verb)}: ${c.explains}`,
      `      ${this.paint.cyan(c.command)}`,
    ]);
  }
}
