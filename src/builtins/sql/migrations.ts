// sql.migrations: what the ledger says is applied, against the migrations folder and the actual schema.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { type LedgerArgs, ledgerFields, ledgerSql, readLedger } from "./ledger.js";
import { derivedFrom, migrationFolderOf } from "./migration-files.js";
import { type Comparison, compareLedger, type Desync, desyncOf } from "./migration-report.js";
import { withPgSession } from "./pg-session.js";
import { schemaFingerprint } from "./schema-fingerprint.js";
import { limitsOf, onConnection } from "./sql-schema.js";
import { verifyObjects } from "./verify-objects.js";

/** Output of sql.migrations. */
export interface SqlMigrationsOutput extends Comparison {
  ledger: string;
  ledgerExists: boolean;
  ordering: "journal" | "lexical" | "none";
  desync: Desync;
  /** Nothing pending, unknown, modified or desynced. */
  upToDate: boolean;
  /** md5 of the schema's relations, columns and constraints (not data): changes when a migration changed anything. */
  fingerprint: string;
}

const ledgerRowType = T.object("sql.migrations.row", {
  id: T.int,
  hash: T.string,
  createdAt: T.int,
  name: T.string,
});

/** The type of sql.migrations' output (shared with sql.repairTracking's rows). */
export const migrationRowType = ledgerRowType;

/** Read the ledger, compare with the folder, run verify queries; never writes. */
export const sqlMigrations = defineAction<LedgerArgs, SqlMigrationsOutput>({
  name: "sql.migrations",
  effect: "read",
  summary:
    "Report applied, pending, unknown and edited migrations and any tracking desync (Drizzle ledger by default).",
  connectionKinds: ["postgres"],
  input: { type: "object", additionalProperties: false, properties: { ...ledgerFields } },
  output: T.object("sql.migrations.output", {
    ledger: T.string,
    ledgerExists: T.bool,
    ordering: T.string,
    applied: T.list(ledgerRowType),
    pending: T.list(T.object("sql.migrations.pending", { name: T.string, hash: T.string, when: T.int })),
    unknown: T.list(T.object("sql.migrations.unknown", { id: T.int, hash: T.string, createdAt: T.int })),
    modified: T.list(
      T.object("sql.migrations.modified", { id: T.int, name: T.string, hash: T.string, fileHash: T.string }),
    ),
    outOfOrder: T.list(T.string),
    desync: T.object("sql.migrations.desync", {
      detected: T.bool,
      repairable: T.bool,
      rows: T.list(
        T.object("sql.migrations.desyncRow", {
          id: T.int,
          hash: T.string,
          createdAt: T.int,
          name: T.string,
          objects: T.string,
        }),
      ),
      message: T.string,
    }),
    upToDate: T.bool,
    fingerprint: T.string,
  }),
  plan(args, ctx) {
    const q = ledgerSql(args);
    const parts = [
      `${onConnection(args.connection)} select id, hash, created_at from ${q.table} order by id`,
    ];
    if (args.migrationsDir)
      parts.push(`compare with ${ctx.redactor.redact(args.migrationsDir)} (Drizzle sha256 hashes)`);
    const verifies = Object.keys(args.verify ?? {}).length;
    if (verifies) parts.push(`run the verify queries of ${verifies} migration(s), read-only`);
    if (args.verifyFromFiles)
      parts.push(
        "verify the objects each applied migration's SQL creates (tables, views, indexes, columns), read-only",
      );
    parts.push("fingerprint the schema");
    return [{ kind: "sql", text: parts.join("; ") }];
  },
  async run(ctx, args) {
    const folder = await migrationFolderOf(args);
    const table = args.table ?? "drizzle.__drizzle_migrations";
    return withPgSession(ctx, args.connection, limitsOf(args), async ({ client, fail }) => {
      await client.query("begin transaction read only");
      try {
        const rows = await readLedger(client, args);
        const cmp = compareLedger(rows ?? [], folder?.files ?? []);
        const objects = await verifyObjects(
          client,
          cmp.applied,
          args.verify,
          ctx.log,
          derivedFrom(args, folder),
        );
        const desync = desyncOf(cmp.applied, objects, args.verifyFromFiles === true);
        const fingerprint = await schemaFingerprint(client);
        ctx.log.info(
          `${cmp.applied.length} applied, ${cmp.pending.length} pending, ${cmp.unknown.length} unknown, ${cmp.modified.length} modified`,
        );
        if (cmp.modified.length)
          ctx.log.warn(`edited after being applied: ${cmp.modified.map((m) => m.name).join(", ")}`);
        if (desync.detected) ctx.log.warn(desync.message);
        return {
          ledger: table,
          ledgerExists: rows !== undefined,
          ordering: folder?.ordering ?? "none",
          ...cmp,
          desync,
          upToDate: !cmp.pending.length && !cmp.unknown.length && !cmp.modified.length && !desync.detected,
          fingerprint,
        };
      } catch (error) {
        throw fail(error, "Reading the migration ledger");
      } finally {
        await client.query("rollback").catch(() => {});
      }
    });
  },
});
