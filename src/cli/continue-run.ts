// `rbx resume` and `rbx rollback` take the same arguments and differ only in the verb they drive.

import type { SessionOptions, SessionResult } from "../run/sessions/session-options.js";
import { parseCommandLine, usageError } from "./command-line.js";
import { findRun } from "./find-run.js";
import { optimizingCompilersOn } from "./heap-policy.js";
import type { CliIO } from "./io.js";
import { continueOptions, driveRun, readParams, readSettle, sessionOptions } from "./run-options.js";

/** What resume and rollback call: the run id, the secrets file and a moved runbook, and the session. */
export type ContinueVerb = (
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
) => Promise<SessionResult>;

/** Parse `RUN [options]`, then continue that run with `verb`; the exit code as `rbx run` gives it. */
export async function continueRunCommand(
  command: string,
  argv: string[],
  io: CliIO,
  verb: ContinueVerb,
): Promise<number> {
  const parsed = parseCommandLine(command, argv, { ...sessionOptions, ...continueOptions }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usageError(io, command, "give the run id (`rbx runs` lists them)");
  const settle = readSettle(command, values.settle, io);
  if (!settle) return 2;
  const params = readParams(command, values, io);
  if (!params) return 2;
  const extra = {
    ...(params.file ? { paramsFile: params.file } : {}),
    ...(values.file ? { file: values.file } : {}),
  };
  return driveRun(command, io, values, settle, async (opts) =>
    verb(await findRun(opts.store, positionals[0]), extra, compilersOnceBound(opts)),
  );
}

/**
 * The session with V8's optimizing compilers turned back on once the runbook is loaded and bound (the view is
 * made then, before the first step): the load ran without them (heap-policy.ts), the steps need them.
 */
function compilersOnceBound(opts: SessionOptions): SessionOptions {
  const { observe } = opts;
  if (!observe) {
    optimizingCompilersOn();
    return opts;
  }
  return {
    ...opts,
    observe: (run) => {
      optimizingCompilersOn();
      return observe(run);
    },
  };
}
