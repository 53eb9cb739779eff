// Plain timestamped lines for logs and CI (no terminal): one line per event, progress only when it changes,
// repeated failures counted instead of repeated, and a heartbeat when a long wait prints nothing.
import { oneLine } from "../diagnostics/one-line.js";
import type { RunEvent } from "../run/model/events.js";
import type { RunObserver } from "../run/model/observer.js";
import type { Paint } from "./ansi.js";
import { describe, sameFailure } from "./describe.js";
import { LiveSteps, runningParts } from "./live-steps.js";
import { RecoveryHint } from "./recovery-hint.js";
import { RepeatedAttempts } from "./repeats.js";

/** How long the log may stay silent while a step runs before a heartbeat line says it is alive. */
export const HEARTBEAT_MS = 30_000;

/** Where plain lines go and how they are styled (colour only when forced; plain logs have none). */
export interface LineOptions {
  out: NodeJS.WritableStream;
  paint: Paint;
  /** `--state-dir` of the run, repeated in the recovery commands shown after a halt. */
  stateDir?: string;
  /** A resumed run's earlier journal events: they name the run and explain a later halt, unprinted. */
  history?: readonly RunEvent[];
  now?: () => Date;
  /** Silence after which a heartbeat line lists the running steps (default HEARTBEAT_MS; 0: none). */
  heartbeatMs?: number;
  maxAttempts?: (step: string) => number | undefined;
  /**
   * Hold the lines of one turn of the event loop and write them together, once the turn's work is done (a
   * step's log line, its end and the next step's start: one write instead of three). Only for a stream no one
   * else writes to unless they call `flush` first (rbx run's own view; `say` flushes it).
   */
  coalesce?: boolean;
}

/** A non-TTY observer: `2025-05-01T10:00:00.000Z  ✓ step 1.2s` lines, never cursor movement. */
export class LineRenderer implements RunObserver {
  private readonly live = new LiveSteps();
  /** The last progress message printed per step, so a poll that reports the same thing stays quiet. */
  private readonly lastProgress = new Map<string, string>();
  private readonly now: () => Date;
  private readonly hint: RecoveryHint;
  private readonly repeats: RepeatedAttempts;
  private heartbeat: NodeJS.Timeout | undefined;
  /** When the log last printed a line (ms since epoch): the heartbeat counts its silence from here. */
  private lastLine = 0;
  private closed = false;
  /** Lines held for one write (`coalesce`), and the turn's end that writes them. */
  private pending = "";
  private flushing: NodeJS.Immediate | undefined;

  constructor(private readonly options: LineOptions) {
    this.now = options.now ?? (() => new Date());
    this.hint = new RecoveryHint(options.paint, options.stateDir);
    this.repeats = new RepeatedAttempts((step, from, to) => sameFailure(options.paint, step, from, to));
    if (options.history) {
      this.live.prime(options.history);
      this.hint.prime(options.history);
    }
  }

  onEvent(event: RunEvent): void {
    const verdict = this.repeats.judge(event);
    const line = verdict.show
      ? describe(event, this.live.describeContext(this.options.paint, event))
      : undefined;
    this.live.apply(event);
    if (event.type === "step.succeeded" || event.type === "step.failed") this.lastProgress.delete(event.step);
    for (const before of verdict.before) this.write(event.at, before);
    if (line !== undefined) this.write(event.at, line);
    for (const hint of this.hint.add(event)) this.write(event.at, hint);
    this.armHeartbeat();
  }

  onProgress(step: string, message: string): void {
    const text = oneLine(message);
    this.live.progress(step, text);
    if (this.lastProgress.get(step) === text) return;
    this.lastProgress.set(step, text);
    this.write(this.now().toISOString(), `  ${step} waiting for: ${text}`);
  }

  onLog(step: string, level: "info" | "warn", message: string): void {
    this.write(
      this.now().toISOString(),
      `  ${step}${level === "warn" ? " warning:" : ""} ${oneLine(message)}`,
    );
  }

  /** Write the lines held back (`coalesce`) now. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.options.out.write(text);
  }

  /** Something else is about to write to the terminal (a question): every line so far goes first. */
  pause(): void {
    this.flush();
  }

  resume(): void {}

  close(): void {
    this.closed = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    this.flush();
  }

  private write(at: string, line: string): void {
    const text = `${at}  ${line}\n`;
    if (this.options.coalesce) {
      this.pending += text;
      this.flushing ??= setImmediate(() => this.flush());
    } else this.options.out.write(text);
    this.armHeartbeat();
  }

  /**
   * A CI log that stays silent for minutes (a migration wait, a backoff between attempts) reads as a hung job:
   * after `heartbeatMs` without a line, say which steps run, for how long and on what they wait. The timer
   * never keeps the process alive and stops with the view.
   */
  private armHeartbeat(): void {
    const ms = this.options.heartbeatMs ?? HEARTBEAT_MS;
    if (ms <= 0 || this.closed || this.live.running.size === 0) {
      if (this.heartbeat) clearTimeout(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    this.lastLine = Date.now();
    // One timer while steps run, not one per line: when it fires early (a line came since), it waits out the rest.
    if (!this.heartbeat) this.beatAfter(ms, ms);
  }

  private beatAfter(delay: number, ms: number): void {
    this.heartbeat = setTimeout(() => {
      this.heartbeat = undefined;
      const silent = Date.now() - this.lastLine;
      if (silent < ms) {
        this.beatAfter(ms - silent, ms);
        return;
      }
      const now = this.now();
      for (const s of this.live.running.values()) {
        const parts = runningParts(s, now.getTime(), this.options.paint, this.options.maxAttempts?.(s.key));
        this.write(now.toISOString(), `… still running: ${s.key}  ${parts.join("  ")}`);
      }
    }, delay);
    this.heartbeat.unref();
  }
}
