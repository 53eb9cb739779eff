// The live terminal view: finished lines scroll up, running steps stay at the bottom and redraw in place.

import { oneLine } from "../diagnostics/one-line.js";
import type { RunEvent } from "../run/model/events.js";
import type { RunObserver } from "../run/model/observer.js";
import { type Paint, rewind, stripAnsi } from "./ansi.js";
import { describe, sameFailure } from "./describe.js";
import { type LiveStep, LiveSteps, runningParts } from "./live-steps.js";
import { RecoveryHint } from "./recovery-hint.js";
import { RepeatedAttempts } from "./repeats.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** What the terminal view needs: where to draw, how wide, how to style, and optional attempt limits. */
export interface TtyOptions {
  out: NodeJS.WritableStream & { columns?: number };
  paint: Paint;
  /** The configured attempts of a step, to show "attempt 2/5"; undefined when unlimited or unknown. */
  maxAttempts?: (step: string) => number | undefined;
  /** Redraw period for the spinner and elapsed times; 0 turns the timer off (tests redraw by event). */
  tickMs?: number;
  /** `--state-dir` of the run, repeated in the recovery commands shown after a halt. */
  stateDir?: string;
  /** A resumed run's earlier journal events: they name the run and explain a later halt, unprinted. */
  history?: readonly RunEvent[];
  now?: () => number;
}

/** A terminal observer: one line per running step with spinner, elapsed time, attempt and what it waits for. */
export class TtyRenderer implements RunObserver {
  private readonly live = new LiveSteps();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** While a prompt waits for the operator, the live lines are erased and not redrawn. */
  private paused = false;
  private readonly now: () => number;
  private readonly hint: RecoveryHint;
  private readonly repeats: RepeatedAttempts;

  constructor(private readonly options: TtyOptions) {
    this.repeats = new RepeatedAttempts((step, from, to) => sameFailure(options.paint, step, from, to));
    this.now = options.now ?? Date.now;
    this.hint = new RecoveryHint(options.paint, options.stateDir);
    if (options.history) {
      this.live.prime(options.history);
      this.hint.prime(options.history);
    }
  }

  onEvent(event: RunEvent): void {
    const verdict = this.repeats.judge(event);
    // Started steps are drawn live rather than as a scrolling line.
    const line =
      event.type === "step.started" || !verdict.show
        ? undefined
        : describe(event, this.live.describeContext(this.options.paint, event));
    this.live.apply(event);
    this.draw([...verdict.before, ...(line === undefined ? [] : [line]), ...this.hint.add(event)]);
    this.updateTimer();
  }

  onProgress(step: string, message: string): void {
    // Before a step starts (a write recording its state for the probe) it is not drawn live: print the line.
    if (!this.live.running.has(step)) {
      this.draw([`  ${this.options.paint.dim(`${step} waiting for: ${oneLine(message)}`)}`]);
      return;
    }
    this.live.progress(step, oneLine(message));
    this.draw([]);
  }

  onLog(step: string, level: "info" | "warn", message: string): void {
    const p = this.options.paint;
    const text = oneLine(message);
    this.draw([`  ${p.dim(step)} ${level === "warn" ? p.yellow(text) : text}`]);
  }

  /** Erase the live lines and stop the spinner so a prompt below them is not overwritten. */
  pause(): void {
    if (this.closed || this.paused) return;
    this.paused = true;
    this.stopTimer();
    this.draw([]);
  }

  /** The prompt was answered: draw the running steps again. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.draw([]);
    this.updateTimer();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    this.draw([]);
  }

  private updateTimer(): void {
    const tick = this.options.tickMs ?? 100;
    if (tick <= 0 || this.closed || this.paused) return;
    if (this.live.running.size > 0 && !this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % SPINNER.length;
        this.draw([]);
      }, tick);
      this.timer.unref();
    } else if (this.live.running.size === 0) {
      this.stopTimer();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Erase the live region, print finished lines above it, draw the running steps again. */
  private draw(permanent: string[]): void {
    // A pseudo-terminal without a size (script, CI runners) reports 0 columns: assume 100.
    const columns = this.options.out.columns || 100;
    const width = Math.max(20, columns - 1);
    const live =
      this.closed || this.paused
        ? []
        : [...this.live.running.values()].map((s) => this.fit(this.liveLine(s), width));
    if (permanent.length === 0 && live.length === 0 && this.drawn === 0) return;
    const text = `${this.drawn > 0 ? rewind(this.drawn) : ""}${[...permanent, ...live].map((l) => `${l}\n`).join("")}`;
    this.drawn = live.length;
    this.options.out.write(text);
  }

  private fit(line: string, width: number): string {
    // A wrapped line would break the cursor arithmetic of the redraw; cut plain text, keep it styled otherwise.
    const plain = stripAnsi(line);
    return plain.length <= width ? line : `${plain.slice(0, width - 1)}…`;
  }

  private liveLine(s: LiveStep): string {
    const p = this.options.paint;
    const parts = runningParts(s, this.now(), p, this.options.maxAttempts?.(s.key));
    return [`${p.cyan(SPINNER[this.frame] ?? "*")} ${s.key}`, ...parts].join("  ");
  }
}
