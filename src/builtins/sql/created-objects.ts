// The objects a migration's SQL creates and drops, read from its statements — a tracking-desync check that
// needs no hand-written list, so a migration nobody listed is verified too.

/** A database object a migration creates: a relation (table, view, index) or a column of a table. */
export type CreatedObject =
  | { kind: "relation"; schema: string; name: string }
  | { kind: "column"; schema: string; table: string; name: string };

const id = `"?([A-Za-z_][A-Za-z0-9_$]*)"?`;
const qualified = `(?:${id}\\.)?${id}`;
const creates: [RegExp, (m: RegExpExecArray) => CreatedObject][] = [
  [
    new RegExp(`CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${qualified}`, "gi"),
    (m) => ({ kind: "relation", schema: m[1] ?? "public", name: m[2] ?? "" }),
  ],
  [
    new RegExp(
      `CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:MATERIALIZED\\s+)?VIEW\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${qualified}`,
      "gi",
    ),
    (m) => ({ kind: "relation", schema: m[1] ?? "public", name: m[2] ?? "" }),
  ],
  [
    new RegExp(
      `CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?${qualified}\\s+ON\\s+(?:ONLY\\s+)?(?:${id}\\.)?`,
      "gi",
    ),
    // An index lives in its table's schema.
    (m) => ({ kind: "relation", schema: m[1] ?? m[3] ?? "public", name: m[2] ?? "" }),
  ],
  [
    new RegExp(
      `ALTER\\s+TABLE\\s+(?:ONLY\\s+)?(?:IF\\s+EXISTS\\s+)?${qualified}\\s+ADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?${id}`,
      "gi",
    ),
    (m) => ({ kind: "column", schema: m[1] ?? "public", table: m[2] ?? "", name: m[3] ?? "" }),
  ],
];
const dropColumn = new RegExp(
  `ALTER\\s+TABLE\\s+(?:ONLY\\s+)?(?:IF\\s+EXISTS\\s+)?${qualified}\\s+DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?${id}`,
  "gi",
);
const dropRelation = new RegExp(
  `DROP\\s+(?:TABLE|(?:MATERIALIZED\\s+)?VIEW|INDEX)\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?${qualified}`,
  "gi",
);
// `ADD CONSTRAINT x …` is an ALTER TABLE … ADD that creates no column.
const notColumns = new Set(["constraint", "primary", "unique", "foreign", "check", "exclude"]);

/** A stable key for an object: `schema.name` or `schema.table.column`. */
export function objectKey(o: CreatedObject): string {
  return o.kind === "relation" ? `${o.schema}.${o.name}` : `${o.schema}.${o.table}.${o.name}`;
}

/** The objects a migration's SQL creates, in statement order. */
export function createdObjects(sql: string): CreatedObject[] {
  const out: CreatedObject[] = [];
  for (const [re, make] of creates) {
    for (const m of sql.matchAll(re)) {
      const o = make(m);
      if (o.kind === "column" && notColumns.has(o.name.toLowerCase())) continue;
      out.push(o);
    }
  }
  return out;
}

/** Keys (see objectKey) of the objects a migration's SQL drops. */
export function droppedKeys(sql: string): Set<string> {
  const out = new Set<string>();
  for (const m of sql.matchAll(dropColumn)) out.add(`${m[1] ?? "public"}.${m[2]}.${m[3]}`);
  for (const m of sql.matchAll(dropRelation)) out.add(`${m[1] ?? "public"}.${m[2]}`);
  return out;
}

/**
 * What to verify for each applied migration, in order: the objects it creates that no *later applied* migration
 * drops. A migration with nothing derivable (data only, a constraint) gets no entry: it is never called a ghost.
 */
export function expectedObjects(
  applied: readonly { name: string; sql: string }[],
): Map<string, CreatedObject[]> {
  const out = new Map<string, CreatedObject[]>();
  for (const [i, m] of applied.entries()) {
    const later = new Set(applied.slice(i + 1).flatMap((x) => [...droppedKeys(x.sql)]));
    const expected = createdObjects(m.sql).filter((o) => !later.has(objectKey(o)));
    if (expected.length > 0) out.set(m.name, expected);
  }
  return out;
}
