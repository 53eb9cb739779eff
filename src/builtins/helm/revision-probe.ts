// Did an interrupted helm write make a new revision? `before` records the newest one; the probe compares.
import type { ActionContext, ProbeResult } from "../../contract/action.js";
import type { Deadline } from "../shared/deadline.js";
import type { HelmCommonArgs } from "./fields.js";
import { type HelmInvocation, withHelm } from "./helm-cli.js";
import { type HistoryRow, releaseHistory } from "./release-state.js";

/** The release's newest revision (0 when it has none), recorded before a write for its probe. */
export async function recordRevision(
  ctx: ActionContext,
  args: HelmCommonArgs & { release: string },
): Promise<{ revision: number }> {
  ctx.log.progress(`recording the current revision of ${args.release} (helm history), for the probe`);
  return withHelm(ctx, args, 60_000, async (inv, d) => ({
    revision: (await releaseHistory(ctx, d, inv, args.release, 1))?.at(-1)?.revision ?? 0,
  }));
}

/** Not done while no revision is newer than the recorded one; otherwise `judge` reads the newest. */
export async function probeNewRevision(
  ctx: ActionContext,
  args: HelmCommonArgs & { release: string },
  before: unknown,
  verb: string,
  judge: (last: HistoryRow, recorded: number, inv: HelmInvocation, d: Deadline) => Promise<ProbeResult>,
): Promise<ProbeResult> {
  const recorded = (before as { revision?: number } | null)?.revision;
  if (recorded === undefined)
    return { state: "unknown", reason: `no revision was recorded before the ${verb}` };
  return withHelm(ctx, args, 60_000, async (inv, d) => {
    const last = (await releaseHistory(ctx, d, inv, args.release, 1))?.at(-1);
    if (!last || last.revision <= recorded) return { state: "not-done" };
    return judge(last, recorded, inv, d);
  });
}
