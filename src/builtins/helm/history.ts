// helm.history: the release's revisions as typed rows, plus `current` (newest deployed) for a later rollback.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { type HelmCommonArgs, releaseInput } from "./fields.js";
import { helmInvocation, helmPlan, withHelm } from "./helm-cli.js";
import { currentRow, type HistoryRow, historyArgv, historyRowType, releaseHistory } from "./release-state.js";

/** Arguments of helm.history. */
export interface HelmHistoryArgs extends HelmCommonArgs {
  release: string;
  max?: number;
}

/** Output of helm.history. */
export interface HelmHistoryOutput {
  release: string;
  rows: HistoryRow[];
  current: HistoryRow | null;
  latest: HistoryRow;
}

/** Record the revision to return to before an upgrade. */
export const helmHistory = defineAction<HelmHistoryArgs, HelmHistoryOutput>({
  name: "helm.history",
  effect: "read",
  summary:
    "A release's revisions (oldest first), the newest deployed one as `current`, and the newest as `latest`.",
  connectionKinds: ["kubernetes"],
  input: releaseInput({
    max: { type: "integer", minimum: 1, examples: [5], description: "Only the newest N revisions (--max)." },
  }),
  output: T.object("helm.history.output", {
    release: T.string,
    rows: T.list(historyRowType),
    current: historyRowType,
    latest: historyRowType,
  }),
  plan(args, ctx) {
    return helmPlan(ctx, helmInvocation(ctx, process.env, args), historyArgv(args.release, args.max));
  },
  run(ctx, args) {
    return withHelm(ctx, args, 120_000, async (inv, d) => {
      const rows = await releaseHistory(ctx, d, inv, args.release, args.max);
      const latest = rows?.at(-1);
      if (!rows || !latest) {
        throw new ActionError(
          "release-not-found",
          `Release ${args.release} not found${inv.namespace ? ` in ${inv.namespace}` : ""}`,
        );
      }
      const current = currentRow(rows) ?? null;
      ctx.log.info(
        `${args.release}: revision ${latest.revision} ${latest.status}; deployed: ${current?.revision ?? "none"}`,
      );
      return { release: args.release, rows, current, latest };
    });
  },
});
