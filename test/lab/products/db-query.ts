// Test helper: one-off queries against a database of the test's PostgreSQL server.
import pg from "pg";

/** Run `sql` with bound `params` on a fresh connection and return the rows. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The drizzle ledger's row count (0 when it does not exist). */
export async function ledgerSize(url: string): Promise<number> {
  const exists = await query<{ t: string | null }>(
    url,
    "SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t",
  );
  if (!exists[0]?.t) return 0;
  return (await query(url, "SELECT 1 FROM drizzle.__drizzle_migrations")).length;
}

/** Whether relation `name` exists in the public schema. */
export async function relationExists(url: string, name: string): Promise<boolean> {
  const r = await query<{ t: string | null }>(url, "SELECT to_regclass($1)::text AS t", [`public."${name}"`]);
  return Boolean(r[0]?.t);
}
