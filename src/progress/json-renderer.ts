// NDJSON for CI: every journal event as one JSON line (redacted again on the way out), plus progress lines.
import type { Redactor } from "../contract/action.js";
import type { RunEvent } from "../run/model/events.js";
import type { RunObserver } from "../run/model/observer.js";

/** Where the lines go and the run's redactor (events are redacted when journaled; this is a second guard). */
export interface JsonOptions {
  out: NodeJS.WritableStream;
  redactor?: Redactor;
  now?: () => Date;
}

function redactDeep(value: unknown, redactor: Redactor | undefined): unknown {
  if (!redactor) return value;
  if (typeof value === "string") return redactor.redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redactor));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redactor)]));
  }
  return value;
}

/**
 * One JSON object per line: journal events exactly as journaled (`seq`, `at`, `prev`, `type`, ...);
 * progress and log lines of running actions as `{"type":"step.progress"|"step.log", "at", "step", ...}`
 * without `seq`, since they are not part of the journal.
 */
export class JsonRenderer implements RunObserver {
  private readonly now: () => Date;

  constructor(private readonly options: JsonOptions) {
    this.now = options.now ?? (() => new Date());
  }

  onEvent(event: RunEvent): void {
    this.line(event);
  }

  onProgress(step: string, message: string): void {
    this.line({ type: "step.progress", at: this.now().toISOString(), step, message });
  }

  onLog(step: string, level: "info" | "warn", message: string): void {
    this.line({ type: "step.log", at: this.now().toISOString(), step, level, message });
  }

  close(): void {}

  private line(value: unknown): void {
    this.options.out.write(`${JSON.stringify(redactDeep(value, this.options.redactor))}\n`);
  }
}
