// sql.markApplied: the "skip a migration" recovery — record migrations as applied without running them, so
// the service's migrator passes over them on its next run.

import { type ActionContext, defineAction, type ProbeResult } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";
import { type LedgerConfig, ledgerFields, ledgerSql, readLedger } from "./ledger.js";
import { type MigrationFile, readMigrationFolder } from "./migration-files.js";
import { type AppliedMigration, compareLedger } from "./migration-report.js";
import { migrationRowType } from "./migrations.js";
import { type PgSession, withPgSession } from "./pg-session.js";
import { limitsOf, onConnection } from "./sql-schema.js";

/** Arguments of sql.markApplied. */
export interface MarkAppliedArgs extends LedgerConfig {
  connection?: string;
  migrationsDir: string;
  /** The migrations to mark, by file name without .sql. */
  tags: string[];
  timeout?: string | number;
  lockTimeout?: string | number;
}

/** Output: the ledger rows written. */
export interface MarkAppliedOutput {
  ledger: string;
  marked: AppliedMigration[];
}

// The files to mark, in journal order, after every refusal the ledger calls for.
async function filesToMark(s: PgSession, args: MarkAppliedArgs): Promise<MigrationFile[]> {
  const folder = await readMigrationFolder(args.migrationsDir);
  const unknown = args.tags.filter((t) => !folder.files.some((f) => f.name === t));
  if (unknown.length > 0)
    throw new ActionError(
      "unknown-migration",
      `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not in ${args.migrationsDir} (${folder.files.map((f) => f.name).join(", ")})`,
    );
  const rows = await readLedger(s.client, args);
  if (!rows)
    throw new ActionError(
      "ledger-missing",
      `The ledger ${args.table ?? "drizzle.__drizzle_migrations"} does not exist: no migration ever ran on this database, so there is nothing to skip past`,
    );
  const cmp = compareLedger(rows, folder.files);
  const applied = args.tags.filter((t) => cmp.applied.some((r) => r.name === t));
  if (applied.length > 0)
    throw new ActionError(
      "already-applied",
      `${applied.join(", ")} ${applied.length === 1 ? "is" : "are"} already in the ledger`,
    );
  const marked = folder.files.filter((f) => args.tags.includes(f.name));
  const last = marked.at(-1);
  const lastIndex = last ? folder.files.indexOf(last) : -1;
  const earlier = cmp.pending.filter(
    (p) => !args.tags.includes(p.name) && folder.files.findIndex((f) => f.name === p.name) < lastIndex,
  );
  if (earlier.length > 0)
    throw new ActionError(
      "earlier-pending",
      `${earlier.map((p) => p.name).join(", ")} ${earlier.length === 1 ? "is" : "are"} pending before ${last?.name}: Drizzle applies only ` +
        "migrations newer than the newest ledger row, so marking it would skip those too. Apply them (fix forward) or mark them as well",
    );
  return marked;
}

async function markedRows(s: PgSession, args: MarkAppliedArgs): Promise<AppliedMigration[]> {
  const folder = await readMigrationFolder(args.migrationsDir);
  const cmp = compareLedger((await readLedger(s.client, args)) ?? [], folder.files);
  return cmp.applied.filter((r) => args.tags.includes(r.name));
}

function mark(ctx: ActionContext, args: MarkAppliedArgs): Promise<MarkAppliedOutput> {
  const q = ledgerSql(args);
  return withPgSession(ctx, args.connection, limitsOf(args, 4), async (s) => {
    await s.client.query("begin");
    try {
      await s.client.query(`lock table ${q.table} in exclusive mode`);
      const files = await filesToMark(s, args);
      for (const f of files)
        await s.client.query(`insert into ${q.table} (${q.hash}, ${q.createdAt}) values ($1, $2)`, [
          f.hash,
          f.when,
        ]);
      const marked = await markedRows(s, args);
      await s.client.query("commit");
      ctx.log.warn(`marked ${files.map((f) => f.name).join(", ")} applied without running them`);
      return { ledger: args.table ?? "drizzle.__drizzle_migrations", marked };
    } catch (error) {
      await s.client.query("rollback").catch(() => {});
      throw s.fail(error, "Marking migrations applied");
    }
  });
}

const pick = (from: Record<string, SchemaFragment>, keys: string[]): Record<string, SchemaFragment> =>
  Object.fromEntries(keys.flatMap((k) => (from[k] ? [[k, from[k]]] : [])));

/** Record migrations as applied without running them (the skip path); a person must approve it. */
export const sqlMarkApplied = defineAction<MarkAppliedArgs, MarkAppliedOutput>({
  name: "sql.markApplied",
  effect: "write",
  requiresApproval: true,
  summary:
    "Record migrations as applied in the ledger without running them (skip a failing migration); refuses to skip an earlier one.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["migrationsDir", "tags"],
    properties: {
      ...pick(ledgerFields, ["connection", "table", "columns"]),
      migrationsDir: {
        type: "string",
        examples: ["migrations/cortex/2.5.0"],
        description:
          "The release's migrations folder: the hashes and `when` written come from its files and journal.",
      },
      tags: {
        type: "array",
        minItems: 1,
        items: { type: "string", minLength: 1 },
        examples: [["0001_models_owner_fk"]],
        description: "The migrations to mark applied, by file name without .sql (e.g. 0001_models_owner_fk).",
      },
      ...pick(ledgerFields, ["timeout", "lockTimeout"]),
    },
  },
  output: T.object("sql.markApplied.output", { ledger: T.string, marked: T.list(migrationRowType) }),
  plan(args, ctx) {
    const q = ledgerSql(args);
    const tags = Array.isArray(args.tags) ? args.tags.join(", ") : String(args.tags);
    return [
      {
        kind: "sql",
        text:
          `${onConnection(args.connection)} BEGIN; LOCK TABLE ${q.table} IN EXCLUSIVE MODE; ` +
          `INSERT INTO ${q.table} (${q.hash}, ${q.createdAt}) -- ${ctx.redactor.redact(tags)} from ${ctx.redactor.redact(String(args.migrationsDir))}, not run; COMMIT;`,
      },
    ];
  },
  run: mark,
  async before(ctx, args) {
    return withPgSession(ctx, args.connection, limitsOf(args), async (s) => {
      const rows = (await readLedger(s.client, args)) ?? [];
      return { ids: rows.map((r) => r.id) } satisfies JsonValue;
    });
  },
  async probe(ctx, args): Promise<ProbeResult> {
    const present = await withPgSession(ctx, args.connection, limitsOf(args), (s) => markedRows(s, args));
    if (present.length === args.tags.length)
      return {
        state: "done",
        output: { ledger: args.table ?? "drizzle.__drizzle_migrations", marked: present },
      };
    if (present.length === 0) return { state: "not-done" };
    return {
      state: "unknown",
      reason: `${present.length} of ${args.tags.length} migrations are in the ledger (the marks are written in one transaction)`,
    };
  },
});
