// Pick the run's observers from the command line and the terminal: live view, plain lines, or NDJSON.
import type { Redactor } from "../runtime/action.js";
import { paint, useColor } from "./ansi.js";
import { JsonRenderer } from "./json-renderer.js";
import { LineRenderer } from "./line-renderer.js";
import { fanOut, type RunObserver } from "./observer.js";
import { TtyRenderer } from "./tty-renderer.js";

/** What `rbx run`/`resume`/`rollback` know when they start a run. */
export interface ProgressOptions {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Readonly<Record<string, string | undefined>>;
  /** `--json`: NDJSON events on stdout, the human view on stderr. */
  json?: boolean;
  /** `--quiet`: no human view at all (NDJSON still written with --json). */
  quiet?: boolean;
  redactor?: Redactor;
  /** `--state-dir`, repeated in the recovery commands printed after a halt. */
  stateDir?: string;
  maxAttempts?: (step: string) => number | undefined;
}

/**
 * The observer for a run: human output on stdout (stderr with --json), live and coloured on a TTY,
 * plain timestamped lines otherwise, no colour under NO_COLOR; plus NDJSON on stdout with --json.
 */
export function createProgress(options: ProgressOptions): RunObserver {
  const human = options.json ? options.stderr : options.stdout;
  const observers: RunObserver[] = [];
  if (options.json)
    observers.push(
      new JsonRenderer({ out: options.stdout, ...(options.redactor ? { redactor: options.redactor } : {}) }),
    );
  if (!options.quiet) {
    const colour = useColor(human, options.env);
    if (human.isTTY === true && options.env.TERM !== "dumb") {
      const { maxAttempts, stateDir } = options;
      observers.push(
        new TtyRenderer({
          out: human,
          paint: paint(colour),
          ...(maxAttempts ? { maxAttempts } : {}),
          ...(stateDir ? { stateDir } : {}),
        }),
      );
    } else {
      observers.push(
        new LineRenderer({
          out: human,
          paint: paint(colour),
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        }),
      );
    }
  }
  return observers.length === 1 ? observers[0]! : fanOut(...observers);
}
