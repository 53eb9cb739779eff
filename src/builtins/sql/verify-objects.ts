// Running the verify queries of applied migrations: does each migration's object exist in the database?
import type { PoolClient } from "pg";
import type { ActionLogger } from "../../contract/action.js";
import { ActionError } from "../shared/action-error.js";
import type { VerifyQueries } from "./ledger.js";
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

/** Objects state per applied row id, for the rows that have verify queries. */
export async function verifyObjects(
  client: PoolClient,
  applied: readonly AppliedMigration[],
  verify: VerifyQueries | undefined,
  log: ActionLogger,
): Promise<Map<number, ObjectsState>> {
  const states = new Map<number, ObjectsState>();
  if (!verify) return states;
  const usedKeys = new Set<string>();
  for (const row of applied) {
    const key = row.name && verify[row.name] !== undefined ? row.name : row.hash;
    const queries = verify[key];
    if (queries === undefined) continue;
    usedKeys.add(key);
    const list = typeof queries === "string" ? [queries] : queries;
    let present = 0;
    for (const sql of list) if (await oneBoolean(client, sql, row.name || key)) present += 1;
    states.set(row.id, present === list.length ? "present" : present === 0 ? "missing" : "partial");
  }
  for (const key of Object.keys(verify)) {
    if (!usedKeys.has(key)) log.info(`verify: ${key} is not applied; its queries were not run`);
  }
  return states;
}
