// sql.repairTracking: the one-shot break-glass repair of a tracking desync — rewind the falsely-tracked rows.

import { type ActionContext, defineAction, type ProbeResult } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import { type LedgerArgs, ledgerFields, ledgerSql, readLedger } from "./ledger.js";
import { derivedFrom, migrationFolderOf } from "./migration-files.js";
import { type AppliedMigration, compareLedger, desyncOf } from "./migration-report.js";
import { migrationRowType } from "./migrations.js";
import { type PgSession, withPgSession } from "./pg-session.js";
import { limitsOf, onConnection } from "./sql-schema.js";
import { verifyObjects } from "./verify-objects.js";

/** Arguments: the ledger and verify queries of sql.migrations, plus the row ids the approver saw. */
export interface RepairTrackingArgs extends LedgerArgs {
  ids?: number[];
}

/** Output: the rows rewound and how many remain. */
export interface RepairTrackingOutput {
  removed: AppliedMigration[];
  remaining: number;
}

// Recompute the verdict inside the session; only a repairable desync may be rewound.
async function repairableRows(
  s: PgSession,
  ctx: ActionContext,
  args: RepairTrackingArgs,
): Promise<AppliedMigration[]> {
  // What tells a ghost row from a real one: hand-written queries, or the objects derived from the files.
  if (!args.verify && !args.verifyFromFiles)
    throw new ActionError(
      "invalid-arguments",
      "Give `verify` queries or `verifyFromFiles: true` (with migrationsDir)",
    );
  const folder = await migrationFolderOf(args);
  const rows = (await readLedger(s.client, args)) ?? [];
  const cmp = compareLedger(rows, folder?.files ?? []);
  const objects = await verifyObjects(s.client, cmp.applied, args.verify, ctx.log, derivedFrom(args, folder));
  const desync = desyncOf(cmp.applied, objects, args.verifyFromFiles === true);
  if (!desync.detected)
    throw new ActionError("no-desync", "No tracking desync found; there is nothing to repair");
  if (!desync.repairable) throw new ActionError("desync-not-repairable", desync.message);
  const ids = desync.rows.map((r) => r.id);
  if (args.ids && [...args.ids].sort((a, b) => a - b).join(",") !== ids.join(",")) {
    throw new ActionError(
      "desync-changed",
      `The desynced rows are now [${ids.join(", ")}], not the approved [${args.ids.join(", ")}]; re-run sql.migrations and approve again`,
    );
  }
  return desync.rows.map(({ objects: _objects, ...row }) => row);
}

/** Delete the desynced ledger rows so the service's migrator re-applies them; a person must approve it. */
export const sqlRepairTracking = defineAction<RepairTrackingArgs, RepairTrackingOutput>({
  name: "sql.repairTracking",
  effect: "write",
  requiresApproval: true,
  summary: "Rewind migration-ledger rows whose migrations left no objects (a repairable tracking desync).",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    properties: {
      ...ledgerFields,
      ids: {
        type: "array",
        items: { type: "integer" },
        examples: ["${{ steps.migrations.output.desync.rows.map(r, r.id) }}"],
        description:
          "The ledger ids the approver saw (steps.<id>.output.desync.rows); refuse if the desync changed since.",
      },
    },
  },
  output: T.object("sql.repairTracking.output", { removed: T.list(migrationRowType), remaining: T.int }),
  plan(args) {
    const q = ledgerSql(args);
    const which = args.ids
      ? `ANY(${JSON.stringify(args.ids)})`
      : "<the desynced ids, recomputed under the lock>";
    return [
      {
        kind: "sql",
        text: `${onConnection(args.connection)} BEGIN; LOCK TABLE ${q.table} IN EXCLUSIVE MODE; <verify queries>; DELETE FROM ${q.table} WHERE ${q.id} = ${which}; COMMIT;`,
      },
    ];
  },
  async run(ctx, args) {
    const q = ledgerSql(args);
    return withPgSession(ctx, args.connection, limitsOf(args, 4), async (s) => {
      await s.client.query("begin");
      try {
        await s.client.query(`lock table ${q.table} in exclusive mode`);
        const rows = await repairableRows(s, ctx, args);
        const ids = rows.map((r) => r.id);
        await s.client.query(`delete from ${q.table} where ${q.id} = any($1::bigint[])`, [ids]);
        const left = await s.client.query<{ n: string }>(`select count(*) as n from ${q.table}`);
        await s.client.query("commit");
        ctx.log.warn(
          `rewound ${rows.map((r) => r.name || r.id).join(", ")}; the next migration run re-applies them`,
        );
        return { removed: rows, remaining: Number(left.rows[0]?.n ?? 0) };
      } catch (error) {
        await s.client.query("rollback").catch(() => {});
        throw s.fail(error, "Repairing the migration tracking");
      }
    });
  },
  async before(ctx, args) {
    return withPgSession(ctx, args.connection, limitsOf(args, 4), async (s) => {
      await s.client.query("begin transaction read only");
      try {
        const rows = await repairableRows(s, ctx, args);
        return { ids: rows.map((r) => r.id) } satisfies JsonValue;
      } finally {
        await s.client.query("rollback").catch(() => {});
      }
    });
  },
  async probe(ctx, args, before): Promise<ProbeResult> {
    const ids = (before as { ids?: number[] } | null)?.ids;
    if (!ids?.length) return { state: "unknown", reason: "no desynced ids were recorded before the repair" };
    const present = await withPgSession(ctx, args.connection, limitsOf(args), async (s) => {
      const rows = (await readLedger(s.client, args)) ?? [];
      return ids.filter((id) => rows.some((r) => r.id === id)).length;
    });
    if (present === 0) return { state: "done" };
    if (present === ids.length) return { state: "not-done" };
    return { state: "unknown", reason: `${present} of ${ids.length} desynced rows are still in the ledger` };
  },
});
