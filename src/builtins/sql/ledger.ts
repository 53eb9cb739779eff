// The migration ledger (Drizzle's drizzle.__drizzle_migrations by default): its location, columns and rows.
import type { PoolClient } from "pg";
import { connectionField } from "../shared/connection.js";
import { durationSchema } from "../shared/duration-field.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";
import { quoteIdent, quoteQualified } from "./identifiers.js";

/** One ledger row. */
export interface LedgerRow {
  id: number;
  hash: string;
  createdAt: number;
}

/** Where the ledger is and what its columns are called. */
export interface LedgerConfig {
  table?: string;
  columns?: { id?: string; hash?: string; createdAt?: string };
}

/** Verify queries per migration (by file name or ledger hash): each returns one boolean, true = the object exists. */
export type VerifyQueries = Record<string, string | string[]>;

/** Arguments shared by sql.migrations and sql.repairTracking. */
export interface LedgerArgs extends LedgerConfig {
  connection?: string;
  migrationsDir?: string;
  verify?: VerifyQueries;
  verifyFromFiles?: boolean;
  timeout?: string | number;
  lockTimeout?: string | number;
}

/** Their `with:` schema fields. */
export const ledgerFields: Record<string, SchemaFragment> = {
  connection: connectionField("postgres"),
  table: {
    type: "string",
    default: "drizzle.__drizzle_migrations",
    pattern: "^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$",
    examples: ["drizzle.__drizzle_migrations"],
    description: "The ledger table, [schema.]name (default drizzle.__drizzle_migrations).",
  },
  columns: {
    type: "object",
    additionalProperties: false,
    examples: [{ id: "migration_id", createdAt: "applied_at" }],
    description: "Ledger column names when they differ from Drizzle's (id, hash, created_at).",
    properties: {
      id: {
        type: "string",
        default: "id",
        description: "The ledger's id column.",
        examples: ["migration_id"],
      },
      hash: {
        type: "string",
        default: "hash",
        description: "The column holding each migration's hash.",
        examples: ["checksum"],
      },
      createdAt: {
        type: "string",
        default: "created_at",
        description: "The column holding when each migration was applied.",
        examples: ["applied_at"],
      },
    },
  },
  migrationsDir: {
    type: "string",
    examples: ["./migrations/4.6.5"],
    description:
      "The migrations folder (with meta/_journal.json, else .sql files in lexical order) to compare with.",
  },
  verify: {
    type: "object",
    examples: [{ "0007_add_audit_log": "select to_regclass('public.audit_log') is not null" }],
    description:
      "Per migration (file name without .sql, or ledger hash): SQL returning one boolean, true when an object the " +
      "migration creates exists; a list checks several objects. Used to detect a tracking desync.",
    additionalProperties: {
      anyOf: [{ type: "string" }, { type: "array", items: { type: "string" }, minItems: 1 }],
    },
  },
  verifyFromFiles: {
    type: "boolean",
    default: false,
    examples: [true],
    description:
      "Derive the desync check of every applied migration from its file's SQL (tables, views, indexes and columns it " +
      "creates, minus what a later applied migration drops); needs migrationsDir. A `verify` entry wins for its migration.",
  },
  timeout: {
    ...durationSchema,
    examples: ["30s"],
    description: "statement_timeout for each statement (default 30s).",
  },
  lockTimeout: { ...durationSchema, examples: ["5s"], description: "lock_timeout (default 5s)." },
};

/** The quoted table name and column list of the ledger. */
export function ledgerSql(cfg: LedgerConfig): { table: string; id: string; hash: string; createdAt: string } {
  return {
    table: quoteQualified(cfg.table ?? "drizzle.__drizzle_migrations"),
    id: quoteIdent(cfg.columns?.id ?? "id"),
    hash: quoteIdent(cfg.columns?.hash ?? "hash"),
    createdAt: quoteIdent(cfg.columns?.createdAt ?? "created_at"),
  };
}

/** The ledger's rows in id order, or undefined when the table does not exist (nothing ever ran). */
export async function readLedger(client: PoolClient, cfg: LedgerConfig): Promise<LedgerRow[] | undefined> {
  const q = ledgerSql(cfg);
  const exists = await client.query<{ t: string | null }>("select to_regclass($1)::text as t", [
    cfg.table ?? "drizzle.__drizzle_migrations",
  ]);
  if (!exists.rows[0]?.t) return undefined;
  const res = await client.query<{ id: unknown; hash: unknown; created_at: unknown }>(
    `select ${q.id} as id, ${q.hash} as hash, ${q.createdAt} as created_at from ${q.table} order by ${q.id}`,
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    hash: String(r.hash ?? ""),
    createdAt: Number(r.created_at ?? 0),
  }));
}
