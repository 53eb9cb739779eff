// `rbx resume`: continue a halted, interrupted or crashed run from its journal.
import { driveReopened, reopenRun } from "./reopen-run.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal. */
export async function resumeRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "resume", extra, opts);
  if (!("driver" in r)) return r;
  if (!r.scope.observed) {
    const rb = r.state.rollback;
    opts.say(
      rb && !rb.done
        ? `run ${r.runId} resumed: continuing the rollback of ${rb.boundaries.join(", ")}`
        : `run ${r.runId} resumed`,
    );
  }
  return driveReopened(r, opts);
}
