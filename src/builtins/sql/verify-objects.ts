// Running the desync checks of applied migrations: does each migration's objects exist in the database?
import type { PoolClient } from "pg";
import type { ActionLogger } from "../../contract/action.js";
import { ActionError } from "../shared/action-error.js";
import { type CreatedObject, expectedObjects } from "./created-objects.js";
import type { VerifyQueries } from "./ledger.js";
import type { MigrationFile } from "./migration-files.js";
import type { AppliedMigration, ObjectsState } from "./migration-report.js";

async function oneBoolean(client: PoolClient, sql: string, key: string): Promise<boolean> {
  const res = await client.query<Record<string, unknown>>(sql);
  const value = res.rows[0] ? Object.values(res.rows[0])[0] : undefined;
  if (typeof value !== "boolean") {
    throw new ActionError(
      "invalid-verify-query",
      `The verify query of ${key} must return one boolean column (true = the object exists), e.g. select to_regclass('public.users') is not null`,
    );
  }
  return value;
}

async function objectExists(client: PoolClient, o: CreatedObject): Promise<boolean> {
  if (o.kind === "relation") {
    const r = await client.query<{ found: boolean }>(
      "select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2) as found",
      [o.schema, o.name],
    );
    return r.rows[0]?.found === true;
  }
  const r = await client.query<{ found: boolean }>(
    "select exists (select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3) as found",
    [o.schema, o.table, o.name],
  );
  return r.rows[0]?.found === true;
}

const stateOf = (present: number, total: number): ObjectsState =>
  present === total ? "present" : present === 0 ? "missing" : "partial";

/**
 * Objects state per applied row id: from the row's `verify` queries, else (with `files`) from the objects its
 * migration file creates; rows with neither are not judged.
 */
export async function verifyObjects(
  client: PoolClient,
  applied: readonly AppliedMigration[],
  verify: VerifyQueries | undefined,
  log: ActionLogger,
  files?: readonly MigrationFile[],
): Promise<Map<number, ObjectsState>> {
  const states = new Map<number, ObjectsState>();
  const usedKeys = new Set<string>();
  const sqlOf = new Map((files ?? []).map((f) => [f.name, f.sql]));
  const derived = files
    ? expectedObjects(
        applied.flatMap((r) => (sqlOf.has(r.name) ? [{ name: r.name, sql: sqlOf.get(r.name) ?? "" }] : [])),
      )
    : new Map<string, CreatedObject[]>();
  for (const row of applied) {
    const key = row.name && verify?.[row.name] !== undefined ? row.name : row.hash;
    const queries = verify?.[key];
    if (queries !== undefined) {
      usedKeys.add(key);
      const list = typeof queries === "string" ? [queries] : queries;
      let present = 0;
      for (const sql of list) if (await oneBoolean(client, sql, row.name || key)) present += 1;
      states.set(row.id, stateOf(present, list.length));
      continue;
    }
    const objects = derived.get(row.name);
    if (!objects) continue;
    let present = 0;
    for (const o of objects) if (await objectExists(client, o)) present += 1;
    states.set(row.id, stateOf(present, objects.length));
  }
  for (const key of Object.keys(verify ?? {})) {
    if (!usedKeys.has(key)) log.info(`verify: ${key} is not applied; its queries were not run`);
  }
  return states;
}
