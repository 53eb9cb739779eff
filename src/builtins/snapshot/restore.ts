// snapshot.restore: verify the snapshot, optionally end other sessions, pg_restore --clean, then check the tables.
import { join } from "node:path";
import { T } from "../../check/types.js";
import { defineAction, type ProbeResult } from "../../runtime/action.js";
import { ActionError } from "../shared/action-error.js";
import { connectionField, pickConnection } from "../shared/connection.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema } from "../shared/duration.js";
import { planPgTarget, resolvePg, withPgSession } from "../sql/pg-session.js";
import { checkSnapshot } from "./check-archive.js";
import { type StoreArgs, snapshotIdField, storeBinDir, storeDir, storeFields } from "./fields.js";
import { connectionArgs, libpqEnv, runPgTool, tablesInList, toolPath } from "./pg-tools.js";

/** Arguments of snapshot.restore. */
export interface SnapshotRestoreArgs extends StoreArgs {
  snapshot: string;
  terminateConnections?: boolean;
  clean?: boolean;
  singleTransaction?: boolean;
  jobs?: number;
  noOwner?: boolean;
  lockTimeout?: string | number;
  timeout?: string | number;
}

/** Output of snapshot.restore. */
export interface SnapshotRestoreOutput {
  id: string;
  database: string;
  tables: number;
  terminated: number;
  timeMs: number;
}

function restoreFlags(args: SnapshotRestoreArgs): string[] {
  const flags = ["--exit-on-error", "--verbose"];
  if (args.clean !== false) flags.push("--clean", "--if-exists");
  if (args.jobs && args.jobs > 1) flags.push(`--jobs=${args.jobs}`);
  else if (args.singleTransaction !== false) flags.push("--single-transaction");
  if (args.noOwner) flags.push("--no-owner");
  return flags;
}

/** Put the database back to a snapshot; the rollback path when a migration cannot be undone. */
export const snapshotRestore = defineAction<SnapshotRestoreArgs, SnapshotRestoreOutput>({
  name: "snapshot.restore",
  effect: "write",
  summary:
    "Restore a verified snapshot into the target database (pg_restore --clean --if-exists), then check it.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["snapshot"],
    properties: {
      snapshot: snapshotIdField,
      connection: connectionField("postgres"),
      terminateConnections: {
        type: "boolean",
        default: false,
        description: "End other sessions on the target database first, so locks cannot block the restore.",
      },
      clean: {
        type: "boolean",
        default: true,
        description: "Drop objects before recreating them (--clean --if-exists).",
      },
      singleTransaction: {
        type: "boolean",
        default: true,
        description: "All or nothing (--single-transaction); ignored with jobs > 1.",
      },
      jobs: { type: "integer", minimum: 1, maximum: 64, description: "Parallel restore jobs." },
      noOwner: {
        type: "boolean",
        default: false,
        description: "Do not restore object ownership (--no-owner).",
      },
      lockTimeout: {
        ...durationSchema,
        description: "lock_timeout for the restore session (default: none).",
      },
      timeout: { ...durationSchema, description: "Give up after this long (default 1h)." },
      ...storeFields,
    },
  },
  output: T.object("snapshot.restore.output", {
    id: T.string,
    database: T.string,
    tables: T.int,
    terminated: T.int,
    timeMs: T.int,
  }),
  plan(args, ctx) {
    const target = planPgTarget(ctx, args.connection);
    const steps = [`verify snapshot ${args.snapshot} (sha256, pg_restore --list)`];
    if (args.terminateConnections) steps.push(`terminate other sessions on ${target.database}`);
    steps.push(
      ["pg_restore", ...restoreFlags(args), ...connectionArgs(target), `<snapshot ${args.snapshot}>`].join(
        " ",
      ),
    );
    steps.push("check every restored table exists");
    return [{ kind: "command", text: ctx.redactor.redact(steps.join("\n")) }];
  },
  async run(ctx, args) {
    const started = performance.now();
    const conn = pickConnection(ctx.connections, "postgres", args.connection);
    const target = resolvePg(ctx, args.connection);
    const limits = { statementTimeoutMs: 60_000, lockTimeoutMs: 10_000 };
    const major = await withPgSession(ctx, args.connection, limits, async (s) => {
      const r = await s.client.query<{ n: number }>("select current_setting('server_version_num')::int as n");
      return Math.floor((r.rows[0]?.n ?? 0) / 10_000);
    });
    const binDir = storeBinDir(ctx, args, conn, major);
    const d = deadline(ctx.signal, durationOr(args.timeout, 3_600_000));
    try {
      const { manifest, list } = await checkSnapshot(
        ctx,
        d,
        storeDir(ctx, args, conn),
        args.snapshot,
        binDir,
      );
      let terminated = 0;
      if (args.terminateConnections) {
        terminated = await withPgSession(ctx, args.connection, limits, async (s) => {
          const r = await s.client.query(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
          );
          return r.rowCount ?? 0;
        });
        ctx.log.warn(`terminated ${terminated} other session(s) on ${target.database}`);
      }
      const env = libpqEnv(target, ctx.env);
      if (args.lockTimeout !== undefined)
        env.PGOPTIONS = `-c lock_timeout=${durationOr(args.lockTimeout, 0)}`;
      let restored = 0;
      ctx.log.info(`pg_restore ${manifest.id} → ${target.database}`);
      await runPgTool(
        ctx,
        d,
        toolPath(binDir, "pg_restore"),
        [...restoreFlags(args), ...connectionArgs(target), join(manifest.path, manifest.file)],
        env,
        (line) => {
          const m = /processing data for table "?([^"]+)"?/.exec(line);
          if (m) ctx.log.progress(`${++restored} table(s) restored, last ${m[1]}`);
        },
      );
      const tables = tablesInList(list);
      const missing = await withPgSession(ctx, args.connection, limits, async (s) => {
        const r = await s.client.query<{ s: string; n: string }>(
          "select s, n from unnest($1::text[], $2::text[]) as t(s, n) where to_regclass(format('%I.%I', s, n)) is null",
          [tables.map((t) => t.split(".")[0]), tables.map((t) => t.split(".").slice(1).join("."))],
        );
        return r.rows.map((row) => `${row.s}.${row.n}`);
      });
      if (missing.length) {
        throw new ActionError(
          "restore-incomplete",
          `After the restore these tables are missing: ${missing.join(", ")}`,
        );
      }
      ctx.log.info(`restored ${tables.length} table(s) from ${manifest.id}`);
      return {
        id: manifest.id,
        database: target.database,
        tables: tables.length,
        terminated,
        timeMs: Math.round(performance.now() - started),
      };
    } finally {
      d.clear();
    }
  },
  async before(_ctx, args) {
    return { snapshot: args.snapshot };
  },
  async probe(): Promise<ProbeResult> {
    return {
      state: "unknown",
      reason:
        "a restore leaves no marker to observe; it is idempotent (--clean --if-exists), so resuming re-runs it safely",
    };
  },
});
