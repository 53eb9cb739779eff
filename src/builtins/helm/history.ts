// helm.history: the release's revisions as typed rows, plus `current` (newest deployed) for a later rollback.
import { T } from "../../check/types.js";
import { defineAction } from "../../runtime/action.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { type HelmCommonArgs, helmCommonFields, releaseField } from "./fields.js";
import { commandText, helmInvocation } from "./helm-cli.js";
import { currentRow, type HistoryRow, historyRowType, releaseHistory } from "./release-state.js";

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
  input: {
    type: "object",
    additionalProperties: false,
    required: ["release"],
    properties: {
      release: releaseField,
      max: { type: "integer", minimum: 1, description: "Only the newest N revisions (--max)." },
      ...helmCommonFields,
    },
  },
  output: T.object("helm.history.output", {
    release: T.string,
    rows: T.list(historyRowType),
    current: historyRowType,
    latest: historyRowType,
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    const argv = [
      "history",
      args.release,
      "--output",
      "json",
      ...(args.max ? ["--max", String(args.max)] : []),
    ];
    return [{ kind: "command", text: ctx.redactor.redact(commandText(inv.bin, [...argv, ...inv.globals])) }];
  },
  async run(ctx, args) {
    const inv = helmInvocation(ctx, ctx.env, args);
    const d = deadline(ctx.signal, 120_000);
    try {
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
    } finally {
      d.clear();
    }
  },
});
