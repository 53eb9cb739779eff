// Applies a version's Drizzle migration folder with the real drizzle-orm migrator and reads its ledger.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

/** One entry of meta/_journal.json as drizzle-kit writes it. */
export interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

/** One row of drizzle.__drizzle_migrations. */
export interface LedgerRow {
  id: number;
  hash: string;
  createdAt: number;
}

/** Read a migration folder's journal (the migrations this "image" ships). */
export function readJournal(folder: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/** The SQL text of one journal entry. */
export function readMigrationSql(folder: string, tag: string): string {
  return readFileSync(join(folder, `${tag}.sql`), "utf8");
}

/** Rows of drizzle.__drizzle_migrations (empty when the ledger does not exist yet). */
export async function readLedger(client: pg.ClientBase | pg.Pool): Promise<LedgerRow[]> {
  const exists = await client.query<{ t: string | null }>(
    "SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t",
  );
  if (!exists.rows[0]?.t) return [];
  const rows = await client.query<{ id: number; hash: string; created_at: string }>(
    "SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at, id",
  );
  return rows.rows.map((r) => ({ id: r.id, hash: r.hash, createdAt: Number(r.created_at) }));
}

/** Run drizzle's migrate() on one pool connection (like migrate-prod.mjs); returns the tags it applied. */
export async function applyMigrations(url: string, folder: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const before = new Set((await readLedger(pool)).map((r) => r.createdAt));
    await migrate(drizzle({ client: pool }), { migrationsFolder: folder });
    const after = new Set((await readLedger(pool)).map((r) => r.createdAt));
    return readJournal(folder)
      .filter((e) => after.has(e.when) && !before.has(e.when))
      .map((e) => e.tag);
  } finally {
    await pool.end();
  }
}
