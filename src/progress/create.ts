// Pick the run's observers from the command line and the terminal: live view, plain lines, or NDJSON.
import type { Redactor } from "../contract/action.js";
import { paint, useColor } from "../diagnostics/color.js";
import type { RunEvent } from "../run/model/events.js";
import { fanOut, type RunObserver } from "../run/model/observer.js";
import { JsonRenderer } from "./json-renderer.js";
import { LineRenderer } from "./line-renderer.js";
import { TtyRenderer } from "./tty-renderer.js";

/** What `rbx run`/`resume`/`rollback` know when they start a run. */
export interface ProgressOptions {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Readonly<Record<string, string | undefined>>;
  /** `--json`: NDJSON events on stdout (the human view stays on stderr). */
  json?: boolean;
  /** `--quiet`: no human view at all (NDJSON still written with --json). */
  quiet?: boolean;
  redactor?: Redactor;
  /** `--state-dir` as the operator gave it, repeated in the recovery commands printed after a halt. */
  stateDir?: string;
  maxAttempts?: (step: string) => number | undefined;
  /** A resumed run's journal so far: names the run and lets a later halt list the recovery commands. */
  history?: readonly RunEvent[];
  /** Redraw period of the live view (default 100 ms; 0: redraw on events only). */
  tickMs?: number;
  /** Off a terminal: silence before a heartbeat line (default 30 s; 0: none). */
  heartbeatMs?: number;
  /** Off a terminal: write each turn's lines at once (LineOptions.coalesce); the caller flushes before it writes. */
  coalesce?: boolean;
}

/**
 * The observer for a run. The human view always goes to stderr, beside prompts and errors, so stdout
 * carries only what scripts read (the final `RUN STATUS` line, or NDJSON with --json). On a terminal it
 * is the live view; otherwise plain timestamped lines; coloured only on a terminal without NO_COLOR.
 */
export function createProgress(options: ProgressOptions): RunObserver {
  const human = options.stderr;
  const observers: RunObserver[] = [];
  if (options.json)
    observers.push(
      new JsonRenderer({ out: options.stdout, ...(options.redactor ? { redactor: options.redactor } : {}) }),
    );
  if (!options.quiet) {
    const shared = {
      out: human,
      paint: paint(useColor(human, options.env)),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.history ? { history: options.history } : {}),
    };
    if (human.isTTY === true && options.env.TERM !== "dumb") {
      observers.push(
        new TtyRenderer({
          ...shared,
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
          ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
        }),
      );
    } else {
      observers.push(
        new LineRenderer({
          ...shared,
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
          ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
          ...(options.coalesce ? { coalesce: true } : {}),
        }),
      );
    }
  }
  if (observers.length === 1) return observers[0] as RunObserver;
  return fanOut(...observers);
}
