// `rbx rollback`: unwind the rollback boundaries a run entered, newest first, and verify the rollback.
import { driveReopened, reopenRun } from "./reopen-run.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** `rbx rollback RUN`: unwind the boundaries the run entered, newest first — also after it completed. */
export async function rollbackRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "rollback", extra, opts);
  if (!("driver" in r)) return r;
  const { state, b, scope } = r;
  return driveReopened(r, opts, () => {
    if (!state.rollback || state.rollback.done) {
      const boundaries = state.entered.filter((p) => b.bound.program.rollbacks.has(p)).reverse();
      r.driver.record([
        { type: "rollback.started", reason: "operator", boundaries, by: r.actor.user, actor: r.actor },
      ]);
      if (!scope.observed)
        opts.say(
          `rolling back run ${r.runId}: ${boundaries.length > 0 ? boundaries.join(", ") : "no boundary was entered"}`,
        );
    } else opts.say(`continuing the rollback of run ${r.runId}`);
  });
}
