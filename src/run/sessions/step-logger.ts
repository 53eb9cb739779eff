// The ActionLogger each step's ctx.log should be: it redacts, then tells the observer which step spoke.
import type { ActionLogger, Redactor } from "../../contract/action.js";
import type { RunObserver } from "../model/observer.js";

/**
 * A logger bound to one step, for `ctx.log` in the driver's `context(unit)`: every message is masked
 * by the run's redactor before any observer (terminal, NDJSON) sees it.
 */
export function stepLogger(observer: RunObserver, step: string, redactor: Redactor): ActionLogger {
  return {
    info: (message) => observer.onLog(step, "info", redactor.redact(message)),
    warn: (message) => observer.onLog(step, "warn", redactor.redact(message)),
    progress: (message) => observer.onProgress(step, redactor.redact(message)),
  };
}
