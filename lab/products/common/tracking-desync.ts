// Verifies a Drizzle ledger against the real schema: which tracked migrations left no objects behind.
import type pg from "pg";
import { type JournalEntry, type LedgerRow, readMigrationSql } from "./drizzle-ledger.js";

/** A database object a migration creates: a relation (table, view, index) or a column. */
export type SchemaObject =
  | { kind: "relation"; name: string }
  | { kind: "column"; table: string; name: string };

const ident = `"?([A-Za-z_][A-Za-z0-9_]*)"?`;
const CREATES: [RegExp, (m: RegExpExecArray) => SchemaObject][] = [
  [
    new RegExp(`CREATE TABLE (?:IF NOT EXISTS )?(?:"?public"?\\.)?${ident}`, "gi"),
    (m) => ({ kind: "relation", name: m[1]! }),
  ],
  [new RegExp(`CREATE (?:OR REPLACE )?VIEW ${ident}`, "gi"), (m) => ({ kind: "relation", name: m[1]! })],
  [
    new RegExp(`CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?${ident}`, "gi"),
    (m) => ({ kind: "relation", name: m[1]! }),
  ],
  [
    new RegExp(`ALTER TABLE ${ident} ADD COLUMN (?:IF NOT EXISTS )?${ident}`, "gi"),
    (m) => ({ kind: "column", table: m[1]!, name: m[2]! }),
  ],
];
const DROP_COLUMN = new RegExp(`ALTER TABLE ${ident} DROP COLUMN (?:IF EXISTS )?${ident}`, "gi");
const DROP_TABLE = new RegExp(`DROP (?:TABLE|VIEW|INDEX) (?:IF EXISTS )?${ident}`, "gi");

const key = (o: SchemaObject) => (o.kind === "relation" ? o.name : `${o.table}.${o.name}`);

/** The objects a migration's SQL creates, read from its statements. */
export function createdObjects(sql: string): SchemaObject[] {
  const out: SchemaObject[] = [];
  for (const [re, make] of CREATES) for (const m of sql.matchAll(re)) out.push(make(m));
  return out;
}

/** Keys of the objects a migration's SQL drops (`table` or `table.column`). */
export function droppedKeys(sql: string): Set<string> {
  const out = new Set<string>();
  for (const m of sql.matchAll(DROP_COLUMN)) out.add(`${m[1]}.${m[2]}`);
  for (const m of sql.matchAll(DROP_TABLE)) out.add(m[1]!);
  return out;
}

async function exists(db: pg.ClientBase | pg.Pool, o: SchemaObject): Promise<boolean> {
  if (o.kind === "relation") {
    const r = await db.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [
      `public."${o.name}"`,
    ]);
    return Boolean(r.rows[0]?.t);
  }
  const r = await db.query(
    "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2",
    [o.table, o.name],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The verdict on a ledger: in sync, a repairable tail of ghost rows, or a state the repair refuses. */
export type DesyncVerdict =
  | { state: "in-sync" }
  | { state: "repairable"; rewindFrom: JournalEntry; ghosts: string[] }
  | { state: "refused"; detail: string };

/** Compare every tracked migration of this folder with the objects that really exist. */
export async function verifyTracking(
  db: pg.ClientBase | pg.Pool,
  folder: string,
  journal: JournalEntry[],
  ledger: LedgerRow[],
): Promise<DesyncVerdict> {
  const tracked = new Set(ledger.map((r) => r.createdAt));
  const applied = journal.filter((e) => tracked.has(e.when));
  const sqlOf = new Map(applied.map((e) => [e.tag, readMigrationSql(folder, e.tag)]));
  const classes: { entry: JournalEntry; present: number; total: number }[] = [];
  for (const [i, entry] of applied.entries()) {
    const later = new Set(applied.slice(i + 1).flatMap((e) => [...droppedKeys(sqlOf.get(e.tag) ?? "")]));
    const expected = createdObjects(sqlOf.get(entry.tag) ?? "").filter((o) => !later.has(key(o)));
    if (expected.length === 0) continue;
    let present = 0;
    for (const o of expected) if (await exists(db, o)) present++;
    classes.push({ entry, present, total: expected.length });
  }
  const firstGhost = classes.findIndex((c) => c.present === 0);
  const partial = classes.filter((c) => c.present > 0 && c.present < c.total);
  if (firstGhost === -1 && partial.length === 0) return { state: "in-sync" };
  const tail = firstGhost === -1 ? [] : classes.slice(firstGhost);
  if (partial.length > 0 || tail.some((c) => c.present > 0)) {
    const parts = classes
      .filter((c) => c.present < c.total)
      .map((c) => `${c.entry.tag}: ${c.present} of ${c.total} objects present`);
    return { state: "refused", detail: parts.join("; ") };
  }
  const ghost = classes[firstGhost]!;
  return { state: "repairable", rewindFrom: ghost.entry, ghosts: tail.map((c) => c.entry.tag) };
}

/** Delete the ledger rows from `when` on, so the migrator re-applies them in order. */
export async function rewindTracking(db: pg.ClientBase | pg.Pool, when: number): Promise<number> {
  const r = await db.query("DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= $1", [when]);
  return r.rowCount ?? 0;
}
