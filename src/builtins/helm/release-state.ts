// A release's history as typed rows, and the refusal to act on a release stuck in a pending state.

import type { ActionContext } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError, isActionError } from "../shared/action-error.js";
import type { Deadline } from "../shared/deadline.js";
import { type HelmInvocation, parseJson, runHelm } from "./helm-cli.js";

/** One row of `helm history -o json`. */
export interface HistoryRow {
  revision: number;
  status: string;
  chart: string;
  app_version: string;
  updated: string;
  description: string;
}

/** The CEL type of a history row, named exactly as helm names the fields. */
export const historyRowType = T.object("helm.historyRow", {
  revision: T.int,
  status: T.string,
  chart: T.string,
  app_version: T.string,
  updated: T.string,
  description: T.string,
});

/** `helm history RELEASE --output json [--max N]`: what releaseHistory runs and helm.history plans. */
export function historyArgv(release: string, max?: number): string[] {
  return ["history", release, "--output", "json", ...(max ? ["--max", String(max)] : [])];
}

/** Rows oldest first, or undefined when the release does not exist. */
export async function releaseHistory(
  ctx: ActionContext,
  d: Deadline,
  inv: HelmInvocation,
  release: string,
  max?: number,
): Promise<HistoryRow[] | undefined> {
  try {
    const out = await runHelm(ctx, d, inv, historyArgv(release, max));
    const rows = parseJson<Partial<HistoryRow>[] | null>(out, "history") ?? [];
    return rows
      .map((r) => ({
        revision: Number(r.revision ?? 0),
        status: String(r.status ?? ""),
        chart: String(r.chart ?? ""),
        app_version: String(r.app_version ?? ""),
        updated: String(r.updated ?? ""),
        description: String(r.description ?? ""),
      }))
      .sort((a, b) => a.revision - b.revision);
  } catch (error) {
    if (isActionError(error, "release-not-found")) return undefined;
    throw error;
  }
}

/** The newest deployed row (what a rollback would return to), if any. */
export function currentRow(rows: readonly HistoryRow[]): HistoryRow | undefined {
  return [...rows].reverse().find((r) => r.status === "deployed");
}

/** Fail with `release-pending` and the recovery advice when the newest revision is pending-*. */
export function assertNotPending(
  release: string,
  namespace: string | undefined,
  rows: readonly HistoryRow[],
): void {
  const last = rows.at(-1);
  if (!last?.status.startsWith("pending-")) return;
  const ns = namespace ? ` -n ${namespace}` : "";
  const deployed = currentRow(rows);
  const advice = deployed
    ? `If no other helm operation is running (check with \`helm history ${release}${ns}\` and the cluster's events), ` +
      `recover with \`helm rollback ${release} ${deployed.revision}${ns}\`, then re-run this step.`
    : `No revision was ever deployed: if no install is running, remove it with \`helm uninstall ${release}${ns}\` and install again.`;
  throw new ActionError(
    "release-pending",
    `Release ${release} is stuck in ${last.status} at revision ${last.revision} ("${last.description}"): another operation is ` +
      `in progress or was interrupted. rbx will not retry over it. ${advice}`,
    { details: { revision: last.revision, status: last.status } },
  );
}
