// snapshot.restore: verify the snapshot, then put the database back to it — recreated from scratch (default)
// or with pg_restore --clean over the existing one — and check the tables.
import { join } from "node:path";
import { type ActionContext, defineAction, type ProbeResult } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { connectionField, pickConnection } from "../shared/connection.js";
import { type Deadline, deadline } from "../shared/deadline.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import type { PgTarget } from "../sql/pg-connection.js";
import { resolvePg, withPgSession } from "../sql/pg-session.js";
import { type CheckedSnapshot, checkSnapshot } from "./check-archive.js";
import { snapshotIdField, storeBinDir, storeDir, storeFields } from "./fields.js";
import { connectionArgs, libpqEnv, runPgTool, tablesInList, toolPath } from "./pg-tools.js";
import { connectServer, recreateFromSnapshot, tempDatabaseName } from "./recreate.js";
import { type RestoreMode, restoreFlags, type SnapshotRestoreArgs } from "./restore-args.js";
import { restorePlan } from "./restore-plan.js";
import { missingTables } from "./restored-tables.js";

/** Output of snapshot.restore. */
export interface SnapshotRestoreOutput {
  id: string;
  database: string;
  mode: RestoreMode;
  tables: number;
  terminated: number;
  timeMs: number;
}

const LIMITS = { statementTimeoutMs: 60_000, lockTimeoutMs: 10_000 };

// pg_restore the checked snapshot into `database` on the target's server.
async function pgRestore(
  ctx: ActionContext,
  d: Deadline,
  args: SnapshotRestoreArgs,
  target: PgTarget,
  binDir: string,
  checked: CheckedSnapshot,
  database: string,
): Promise<void> {
  const env = libpqEnv(target, ctx.env);
  if (args.lockTimeout !== undefined) env.PGOPTIONS = `-c lock_timeout=${durationOr(args.lockTimeout, 0)}`;
  let restored = 0;
  ctx.log.info(`pg_restore ${checked.manifest.id} → ${database}`);
  await runPgTool(
    ctx,
    d,
    toolPath(binDir, "pg_restore"),
    [
      ...restoreFlags(args),
      ...connectionArgs(target, database),
      join(checked.manifest.path, checked.manifest.file),
    ],
    env,
    (line) => {
      const m = /processing data for table "?([^"]+)"?/.exec(line);
      if (m) ctx.log.progress(`${++restored} table(s) restored, last ${m[1]}`);
    },
  );
}

async function runRecreate(ctx: ActionContext, args: SnapshotRestoreArgs, target: PgTarget) {
  const conn = pickConnection(ctx.connections, "postgres", args.connection);
  const admin = await connectServer(ctx, target, args.maintenanceDatabase ?? "postgres");
  const d = deadline(ctx.signal, durationOr(args.timeout, 3_600_000));
  try {
    const binDir = storeBinDir(ctx, args, conn, admin.serverMajor);
    const checked = await checkSnapshot(ctx, d, storeDir(ctx, args, conn), args.snapshot, binDir);
    const tables = tablesInList(checked.list);
    const { terminated } = await recreateFromSnapshot(ctx, d, admin, {
      target,
      terminate: args.terminateConnections !== false,
      tables,
      restoreInto: (database) => pgRestore(ctx, d, args, target, binDir, checked, database),
    });
    return { id: checked.manifest.id, tables: tables.length, terminated };
  } finally {
    d.clear();
    await admin.close();
  }
}

async function runClean(ctx: ActionContext, args: SnapshotRestoreArgs, target: PgTarget) {
  const conn = pickConnection(ctx.connections, "postgres", args.connection);
  const major = await withPgSession(ctx, args.connection, LIMITS, async (s) => {
    const r = await s.client.query<{ n: number }>("select current_setting('server_version_num')::int as n");
    return Math.floor((r.rows[0]?.n ?? 0) / 10_000);
  });
  const binDir = storeBinDir(ctx, args, conn, major);
  const d = deadline(ctx.signal, durationOr(args.timeout, 3_600_000));
  try {
    const checked = await checkSnapshot(ctx, d, storeDir(ctx, args, conn), args.snapshot, binDir);
    let terminated = 0;
    if (args.terminateConnections) {
      terminated = await withPgSession(ctx, args.connection, LIMITS, async (s) => {
        const r = await s.client.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
        );
        return r.rowCount ?? 0;
      });
      ctx.log.warn(`terminated ${terminated} other session(s) on ${target.database}`);
    }
    await pgRestore(ctx, d, args, target, binDir, checked, target.database);
    const tables = tablesInList(checked.list);
    const missing = await withPgSession(ctx, args.connection, LIMITS, (s) => missingTables(s.client, tables));
    if (missing.length) {
      throw new ActionError(
        "restore-incomplete",
        `After the restore these tables are missing: ${missing.join(", ")}`,
      );
    }
    return { id: checked.manifest.id, tables: tables.length, terminated };
  } finally {
    d.clear();
  }
}

/** Put the database back to a snapshot; the rollback path when a migration cannot be undone. */
export const snapshotRestore = defineAction<SnapshotRestoreArgs, SnapshotRestoreOutput>({
  name: "snapshot.restore",
  effect: "write",
  summary:
    "Return a database to a verified snapshot: recreate it from the snapshot (default) or pg_restore --clean over it.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["snapshot"],
    properties: {
      snapshot: snapshotIdField,
      connection: connectionField("postgres"),
      mode: {
        type: "string",
        enum: ["recreate", "clean"],
        default: "recreate",
        description:
          "recreate: restore into a new database with the same owner, encoding, locale, privileges and settings, then swap it in (exactly the snapshot); clean: pg_restore --clean --if-exists over the existing database (objects newer than the snapshot stay, and can block it).",
      },
      maintenanceDatabase: {
        type: "string",
        pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$",
        default: "postgres",
        examples: ["postgres"],
        description: "recreate: the database to connect to while the target is dropped and created.",
      },
      terminateConnections: {
        type: "boolean",
        description:
          "End other sessions on the target database (default: true with recreate — DROP DATABASE … WITH (FORCE); false with clean). With recreate and false, a database in use is refused.",
      },
      clean: {
        type: "boolean",
        default: true,
        description: "clean mode: drop objects before recreating them (--clean --if-exists).",
      },
      singleTransaction: {
        type: "boolean",
        default: true,
        description: "All or nothing (--single-transaction); ignored with jobs > 1.",
      },
      jobs: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        examples: [4],
        description: "Parallel restore jobs.",
      },
      noOwner: {
        type: "boolean",
        default: false,
        description: "Do not restore object ownership (--no-owner).",
      },
      lockTimeout: {
        ...durationSchema,
        examples: ["30s"],
        description: "lock_timeout for the restore session (default: none).",
      },
      timeout: { ...durationSchema, examples: ["2h"], description: "Give up after this long (default 1h)." },
      ...storeFields,
    },
  },
  output: T.object("snapshot.restore.output", {
    id: T.string,
    database: T.string,
    mode: T.string,
    tables: T.int,
    terminated: T.int,
    timeMs: T.int,
  }),
  plan: restorePlan,
  async run(ctx, args) {
    const started = performance.now();
    const mode = args.mode ?? "recreate";
    const target = resolvePg(ctx, args.connection);
    const done =
      mode === "recreate" ? await runRecreate(ctx, args, target) : await runClean(ctx, args, target);
    ctx.log.info(`restored ${done.tables} table(s) from ${done.id} (${mode})`);
    return {
      ...done,
      database: target.database,
      mode,
      timeMs: Math.round(performance.now() - started),
    };
  },
  async before(ctx, args) {
    if ((args.mode ?? "recreate") === "clean") return { snapshot: args.snapshot, mode: "clean", oid: null };
    const target = resolvePg(ctx, args.connection);
    const admin = await connectServer(ctx, target, args.maintenanceDatabase ?? "postgres");
    try {
      const r = await admin.client.query<{ oid: number }>(
        "select oid::int as oid from pg_database where datname = $1",
        [target.database],
      );
      const oid: number | null = r.rows[0]?.oid ?? null;
      return { snapshot: args.snapshot, mode: "recreate", oid };
    } finally {
      await admin.close();
    }
  },
  probe: probeRestore,
});

// Recreate leaves a mark: the database's oid changes. Clean leaves none, so it is `unknown` (re-running is safe).
async function probeRestore(
  ctx: ActionContext,
  args: SnapshotRestoreArgs,
  before: unknown,
): Promise<ProbeResult> {
  const recorded = before as { mode?: string; oid?: number | null } | undefined;
  if ((args.mode ?? "recreate") === "clean" || recorded?.mode !== "recreate") {
    return {
      state: "unknown",
      reason:
        "a clean restore leaves no marker to observe; it is idempotent (--clean --if-exists), so resuming re-runs it safely",
    };
  }
  const target = resolvePg(ctx, args.connection);
  const admin = await connectServer(ctx, target, args.maintenanceDatabase ?? "postgres");
  try {
    const r = await admin.client.query<{ datname: string; oid: number }>(
      "select datname, oid::int as oid from pg_database where datname = any($1::text[])",
      [[target.database, tempDatabaseName(target.database)]],
    );
    const now = r.rows.find((row) => row.datname === target.database);
    const copyLeft = r.rows.some((row) => row.datname !== target.database);
    if (!now || now.oid === recorded.oid) return { state: "not-done" };
    if (recorded.oid == null || copyLeft) {
      return {
        state: "unknown",
        reason: `${target.database} was replaced but a restore copy is still present, or its oid was not recorded; inspect it before resuming`,
      };
    }
    // A new database under the name: the swap happened. Check it holds the snapshot's tables.
    const conn = pickConnection(ctx.connections, "postgres", args.connection);
    const d = deadline(ctx.signal, 600_000);
    try {
      const binDir = storeBinDir(ctx, args, conn, admin.serverMajor);
      const checked = await checkSnapshot(ctx, d, storeDir(ctx, args, conn), args.snapshot, binDir);
      const tables = tablesInList(checked.list);
      const missing = await withPgSession(ctx, args.connection, LIMITS, (s) =>
        missingTables(s.client, tables),
      );
      if (missing.length) {
        return {
          state: "unknown",
          reason: `${target.database} was recreated but lacks ${missing.join(", ")}; inspect it before resuming`,
        };
      }
      const output: SnapshotRestoreOutput = {
        id: checked.manifest.id,
        database: target.database,
        mode: "recreate",
        tables: tables.length,
        terminated: 0,
        timeMs: 0,
      };
      return { state: "done", output };
    } finally {
      d.clear();
    }
  } finally {
    await admin.close();
  }
}
