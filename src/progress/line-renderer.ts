// Plain timestamped lines for logs and CI (no terminal): one line per event, progress only when it changes.
import type { RunEvent } from "../run/model/events.js";
import type { RunObserver } from "../run/model/observer.js";
import type { Paint } from "./ansi.js";
import { describe } from "./describe.js";
import { LiveSteps } from "./live-steps.js";
import { RecoveryHint } from "./recovery-hint.js";

/** Where plain lines go and how they are styled (colour only when forced; plain logs have none). */
export interface LineOptions {
  out: NodeJS.WritableStream;
  paint: Paint;
  /** `--state-dir` of the run, repeated in the recovery commands shown after a halt. */
  stateDir?: string;
  /** A resumed run's earlier journal events: they name the run and explain a later halt, unprinted. */
  history?: readonly RunEvent[];
  now?: () => Date;
}

/** A non-TTY observer: `2025-05-01T10:00:00.000Z  ✓ step 1.2s` lines, never cursor movement. */
export class LineRenderer implements RunObserver {
  private readonly live = new LiveSteps();
  /** The last progress message printed per step, so a poll that reports the same thing stays quiet. */
  private readonly lastProgress = new Map<string, string>();
  private readonly now: () => Date;
  private readonly hint: RecoveryHint;

  constructor(private readonly options: LineOptions) {
    this.now = options.now ?? (() => new Date());
    this.hint = new RecoveryHint(options.paint, options.stateDir);
    if (options.history) {
      this.live.prime(options.history);
      this.hint.prime(options.history);
    }
  }

  onEvent(event: RunEvent): void {
    const line = describe(event, this.live.describeContext(this.options.paint, event));
    this.live.apply(event);
    if (event.type === "step.succeeded" || event.type === "step.failed") this.lastProgress.delete(event.step);
    if (line !== undefined) this.write(event.at, line);
    for (const hint of this.hint.add(event)) this.write(event.at, hint);
  }

  onProgress(step: string, message: string): void {
    if (this.lastProgress.get(step) === message) return;
    this.lastProgress.set(step, message);
    this.write(this.now().toISOString(), `  ${step} waiting for: ${message}`);
  }

  onLog(step: string, level: "info" | "warn", message: string): void {
    this.write(this.now().toISOString(), `  ${step}${level === "warn" ? " warning:" : ""} ${message}`);
  }

  close(): void {}

  private write(at: string, line: string): void {
    this.options.out.write(`${at}  ${line}\n`);
  }
}
