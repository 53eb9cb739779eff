// After a restore: which of the archive's tables are missing from the database (an incomplete restore).
import type { Queryable } from "./database-props.js";

/** `schema.table` entries of `tables` that do not exist in the database `client` is connected to. */
export async function missingTables(client: Queryable, tables: readonly string[]): Promise<string[]> {
  const r = await client.query<{ s: string; n: string }>(
    "select s, n from unnest($1::text[], $2::text[]) as t(s, n) where to_regclass(format('%I.%I', s, n)) is null",
    [tables.map((t) => t.split(".")[0]), tables.map((t) => t.split(".").slice(1).join("."))],
  );
  return r.rows.map((row) => `${row.s}.${row.n}`);
}
