import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { sqlExec } from "../../../src/builtins/sql/exec.js";
import { sqlMarkApplied } from "../../../src/builtins/sql/mark-applied.js";
import { drizzleHash } from "../../../src/builtins/sql/migration-files.js";
import { sqlMigrations } from "../../../src/builtins/sql/migrations.js";
import { sqlRepairTracking } from "../../../src/builtins/sql/repair-tracking.js";
import { testPostgres } from "../../support/postgres.js";
import { connections, failure, planContext, testContext } from "../context.js";

const MIGRATIONS: [string, number, string][] = [
  ["0000_users", 1_700_000_000_000, "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);"],
  ["0001_orders", 1_700_000_100_000, "CREATE TABLE orders (id serial PRIMARY KEY, user_id int);\r\n"],
  ["0002_audit", 1_700_000_200_000, "CREATE TABLE audit (id serial PRIMARY KEY, at timestamptz);"],
];

// A Drizzle migrations folder with meta/_journal.json, as drizzle-kit writes it.
function writeFolder(dir: string, entries: [string, number, string][]): void {
  mkdirSync(join(dir, "meta"), { recursive: true });
  for (const [tag, , sql] of entries) writeFileSync(join(dir, `${tag}.sql`), sql);
  const journal = {
    version: "7",
    dialect: "postgresql",
    entries: entries.map(([tag, when], idx) => ({ idx, version: "7", when, tag, breakpoints: true })),
  };
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify(journal));
}

// Apply the folder with Drizzle's own migrator, the way Kryton does on boot.
async function drizzleMigrate(url: string, dir: string): Promise<void> {
  const { default: pgLib } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new pgLib.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder: dir });
  } finally {
    await pool.end();
  }
}

const verify = {
  "0000_users": "select to_regclass('public.users') is not null",
  "0001_orders": "select to_regclass('public.orders') is not null",
  "0002_audit": [
    "select to_regclass('public.audit') is not null",
    "select exists (select 1 from information_schema.columns where table_name = 'audit' and column_name = 'at')",
  ],
};

describe("sql.migrations and sql.repairTracking against Drizzle's ledger", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await testPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  async function fresh(entries = MIGRATIONS) {
    const db = await pg.createDatabase();
    const dir = mkdtempSync(join(tmpdir(), "rbx-mig-"));
    writeFolder(dir, entries);
    const conns = connections({ db: ["postgres", { url: pg.url(db) }] });
    return { db, dir, conns, ctx: testContext(conns) };
  }

  it("reports a missing ledger and everything pending on a fresh database", async () => {
    const { dir, ctx } = await fresh();
    const out = await sqlMigrations.run(ctx, { migrationsDir: dir });
    expect(out.ledgerExists).toBe(false);
    expect(out.ordering).toBe("journal");
    expect(out.pending.map((p) => p.name)).toEqual(["0000_users", "0001_orders", "0002_audit"]);
    expect(out.upToDate).toBe(false);
  });

  it("matches Drizzle's hashes (CRLF normalised) after Drizzle applied the folder", async () => {
    const { db, dir, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    const out = await sqlMigrations.run(ctx, { migrationsDir: dir, verify });
    expect(out.applied.map((a) => a.name)).toEqual(["0000_users", "0001_orders", "0002_audit"]);
    expect(out.applied[1]?.createdAt).toBe(1_700_000_100_000);
    expect(out.pending).toEqual([]);
    expect(out.modified).toEqual([]);
    expect(out.unknown).toEqual([]);
    expect(out.desync.detected).toBe(false);
    expect(out.upToDate).toBe(true);
    expect(drizzleHash("a\r\nb")).toBe(drizzleHash("a\nb"));
  });

  it("reports a file edited after being applied, a new pending file and an unknown ledger row", async () => {
    const { db, dir, conns, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    writeFolder(dir, [
      MIGRATIONS[0] as [string, number, string],
      ["0001_orders", 1_700_000_100_000, "CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint);\n"],
      MIGRATIONS[2] as [string, number, string],
      ["0003_tags", 1_700_000_300_000, "CREATE TABLE tags (id serial PRIMARY KEY);"],
    ]);
    await sqlExec.run(testContext(conns), {
      statements: [
        {
          sql: "insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)",
          params: ["f".repeat(64), 1],
        },
      ],
    });
    const out = await sqlMigrations.run(ctx, { migrationsDir: dir });
    expect(out.modified).toMatchObject([{ name: "0001_orders", id: 2 }]);
    expect(out.modified[0]?.hash).not.toBe(out.modified[0]?.fileHash);
    expect(out.pending.map((p) => p.name)).toEqual(["0003_tags"]);
    expect(out.unknown).toMatchObject([{ id: 4, hash: "f".repeat(64) }]);
    expect(out.upToDate).toBe(false);
    expect(ctx.lines.some((l) => l.includes("edited after being applied: 0001_orders"))).toBe(true);
  });

  it("orders lexically without a journal and names the files Drizzle would skip", async () => {
    const { db, dir, conns, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    writeFolder(dir, [...MIGRATIONS, ["0001a_late", 1_700_000_150_000, "select 1;"]]);
    const withJournal = await sqlMigrations.run(ctx, { migrationsDir: dir });
    expect(withJournal.outOfOrder).toEqual(["0001a_late"]);
    const lexical = mkdtempSync(join(tmpdir(), "rbx-mig-lex-"));
    for (const [tag, , sql] of MIGRATIONS) writeFileSync(join(lexical, `${tag}.sql`), sql);
    const out = await sqlMigrations.run(testContext(conns), { migrationsDir: lexical });
    expect(out.ordering).toBe("lexical");
    expect(out.applied.map((a) => a.name)).toEqual(["0000_users", "0001_orders", "0002_audit"]);
  });

  it("detects a repairable tracking desync, refuses unapproved ids, then rewinds it for Drizzle to re-apply", async () => {
    const { db, dir, conns, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    await sqlExec.run(testContext(conns), { statements: ["drop table audit", "drop table orders"] });
    const out = await sqlMigrations.run(ctx, { migrationsDir: dir, verify });
    expect(out.desync.detected).toBe(true);
    expect(out.desync.repairable).toBe(true);
    expect(out.desync.rows.map((r) => [r.name, r.objects])).toEqual([
      ["0001_orders", "missing"],
      ["0002_audit", "missing"],
    ]);
    expect(out.desync.message).toMatch(/claims 0001_orders, 0002_audit applied/);

    const wrong = await failure(
      sqlRepairTracking.run(testContext(conns), { migrationsDir: dir, verify, ids: [3] }),
    );
    expect(wrong.code).toBe("desync-changed");

    const args = { migrationsDir: dir, verify, ids: out.desync.rows.map((r) => r.id) };
    const before = await sqlRepairTracking.before?.(testContext(conns), args);
    expect(before).toEqual({ ids: [2, 3] });
    expect(await sqlRepairTracking.probe?.(testContext(conns), args, before)).toEqual({ state: "not-done" });
    const repaired = await sqlRepairTracking.run(testContext(conns), args);
    expect(repaired.removed.map((r) => r.name)).toEqual(["0001_orders", "0002_audit"]);
    expect(repaired.remaining).toBe(1);
    expect(await sqlRepairTracking.probe?.(testContext(conns), args, before)).toEqual({ state: "done" });

    await drizzleMigrate(pg.url(db), dir);
    const healed = await sqlMigrations.run(testContext(conns), { migrationsDir: dir, verify });
    expect(healed.upToDate).toBe(true);
  });

  it("refuses to repair a partial or non-contiguous desync", async () => {
    const { db, dir, conns, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    await sqlExec.run(testContext(conns), {
      statements: ["alter table audit drop column at", "drop table orders"],
    });
    const out = await sqlMigrations.run(ctx, { migrationsDir: dir, verify });
    expect(out.desync.detected).toBe(true);
    expect(out.desync.repairable).toBe(false);
    expect(out.desync.rows.map((r) => r.objects)).toEqual(["missing", "partial"]);
    expect(out.desync.message).toMatch(/contact support/);
    const err = await failure(sqlRepairTracking.run(testContext(conns), { migrationsDir: dir, verify }));
    expect(err.code).toBe("desync-not-repairable");
    const { default: pgLib } = await import("pg");
    const c = new pgLib.Client({ connectionString: pg.url(db) });
    await c.connect();
    const n = await c.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
    await c.end();
    expect(n.rows[0]?.n).toBe(3);
  });

  it("reads a ledger with other table and column names, and plans without touching anything", async () => {
    const { conns, ctx } = await fresh();
    await sqlExec.run(testContext(conns), {
      statements: [
        "create table platform_migrations (version int primary key, checksum text, applied_at bigint)",
        "insert into platform_migrations values (1, 'abc', 10), (2, 'def', 20)",
      ],
    });
    const args = {
      table: "platform_migrations",
      columns: { id: "version", hash: "checksum", createdAt: "applied_at" },
    };
    const out = await sqlMigrations.run(ctx, args);
    expect(out.applied).toEqual([
      { id: 1, hash: "abc", createdAt: 10, name: "" },
      { id: 2, hash: "def", createdAt: 20, name: "" },
    ]);
    expect(sqlMigrations.plan(args, planContext(conns))[0]?.text).toBe(
      '[postgres] select id, hash, created_at from "platform_migrations" order by id; fingerprint the schema',
    );
    expect(sqlRepairTracking.requiresApproval).toBe(true);
    const bad = await failure(sqlMigrations.run(ctx, { table: "x; drop table y" }));
    expect(bad.code).toBe("invalid-identifier");
  });

  it("verifyFromFiles derives the check from each file's SQL: a ghost nobody listed is found, a later drop excused", async () => {
    const entries: [string, number, string][] = [
      [
        "0000_users",
        1_700_000_000_000,
        'CREATE TABLE IF NOT EXISTS "users" (id serial PRIMARY KEY, legacy text);',
      ],
      [
        "0001_orders",
        1_700_000_100_000,
        'CREATE TABLE "orders" (id serial);\nCREATE INDEX "orders_id_idx" ON "orders" (id);',
      ],
      [
        "0002_drop_legacy",
        1_700_000_200_000,
        'ALTER TABLE "users" DROP COLUMN "legacy";\nALTER TABLE "users" ADD CONSTRAINT "u" UNIQUE (id);',
      ],
      [
        "0003_audit",
        1_700_000_300_000,
        'ALTER TABLE "users" ADD COLUMN "audited" boolean;\nCREATE OR REPLACE VIEW "v_users" AS SELECT id FROM users;',
      ],
    ];
    const { db, dir, conns, ctx } = await fresh(entries);
    await drizzleMigrate(pg.url(db), dir);
    const clean = await sqlMigrations.run(ctx, { migrationsDir: dir, verifyFromFiles: true });
    expect(clean.desync.detected).toBe(false);
    expect(clean.upToDate).toBe(true);
    // 0003's objects vanish (a ghost row) although no hand-written `verify` names 0003.
    await sqlExec.run(testContext(conns), {
      statements: ['drop view "v_users"', 'alter table "users" drop column "audited"'],
    });
    const listed = await sqlMigrations.run(testContext(conns), {
      migrationsDir: dir,
      verify: { "0000_users": "select true" },
    });
    expect(listed.desync.detected).toBe(false);
    const derived = await sqlMigrations.run(testContext(conns), {
      migrationsDir: dir,
      verifyFromFiles: true,
    });
    expect(derived.desync).toMatchObject({ detected: true, repairable: true });
    expect(derived.desync.rows.map((r) => [r.name, r.objects])).toEqual([["0003_audit", "missing"]]);
    expect(
      sqlMigrations.plan({ migrationsDir: dir, verifyFromFiles: true }, planContext(conns))[0]?.text,
    ).toMatch(/verify the objects each applied migration's SQL creates .*; fingerprint the schema$/);
    // The repair accepts the derived check instead of a `verify` list; Drizzle then re-applies 0003.
    const repaired = await sqlRepairTracking.run(testContext(conns), {
      migrationsDir: dir,
      verifyFromFiles: true,
    });
    expect(repaired.removed.map((r) => r.name)).toEqual(["0003_audit"]);
    await drizzleMigrate(pg.url(db), dir);
    expect(
      (await sqlMigrations.run(testContext(conns), { migrationsDir: dir, verifyFromFiles: true })).upToDate,
    ).toBe(true);
    const noDir = await failure(sqlMigrations.run(testContext(conns), { verifyFromFiles: true }));
    expect(noDir.code).toBe("invalid-arguments");
  });

  it("fingerprints the schema: stable across reads and data changes, moved by a column or a constraint", async () => {
    const { db, dir, conns, ctx } = await fresh();
    await drizzleMigrate(pg.url(db), dir);
    const first = (await sqlMigrations.run(ctx, {})).fingerprint;
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    await sqlExec.run(testContext(conns), { statements: ["insert into users (email) values ('a@b.c')"] });
    expect((await sqlMigrations.run(testContext(conns), {})).fingerprint).toBe(first);
    await sqlExec.run(testContext(conns), { statements: ["alter table users add column nick text"] });
    const withColumn = (await sqlMigrations.run(testContext(conns), {})).fingerprint;
    expect(withColumn).not.toBe(first);
    await sqlExec.run(testContext(conns), {
      statements: ["alter table users add constraint nick_unique unique (nick)"],
    });
    expect((await sqlMigrations.run(testContext(conns), {})).fingerprint).not.toBe(withColumn);
  });

  it("markApplied skips a failing migration the way Drizzle honours it, and refuses to skip an earlier one", async () => {
    const entries: [string, number, string][] = [
      ...MIGRATIONS.slice(0, 1),
      ["0001_orders", 1_700_000_100_000, "CREATE TABLE orders (id serial PRIMARY KEY, user_id int);"],
      [
        "0002_fk",
        1_700_000_200_000,
        "ALTER TABLE orders ADD CONSTRAINT orders_owner_fk FOREIGN KEY (user_id) REFERENCES owners(id);",
      ],
    ];
    const { db, dir, conns, ctx } = await fresh(entries);
    const first = join(dir, "..", `${dir.split("/").at(-1)}-first`);
    writeFolder(first, entries.slice(0, 1));
    await drizzleMigrate(pg.url(db), first);
    // 0002 fails (no owners table): Drizzle runs the pending ones in one transaction, so 0001 is not applied either.
    await expect(drizzleMigrate(pg.url(db), dir)).rejects.toThrow();
    const pending = await sqlMigrations.run(ctx, { migrationsDir: dir });
    expect(pending.pending.map((p) => p.name)).toEqual(["0001_orders", "0002_fk"]);

    const earlier = await failure(
      sqlMarkApplied.run(testContext(conns), { migrationsDir: dir, tags: ["0002_fk"] }),
    );
    expect(earlier.code).toBe("earlier-pending");
    expect(earlier.message).toMatch(/0001_orders is pending before 0002_fk/);
    const unknown = await failure(
      sqlMarkApplied.run(testContext(conns), { migrationsDir: dir, tags: ["0009_x"] }),
    );
    expect(unknown.code).toBe("unknown-migration");

    // Fix forward the first by hand, then skip the failing one: the ledger holds Drizzle's hash and `when`.
    await sqlExec.run(testContext(conns), {
      statements: ["CREATE TABLE orders (id serial PRIMARY KEY, user_id int)"],
    });
    const already = await failure(
      sqlMarkApplied.run(testContext(conns), { migrationsDir: dir, tags: ["0000_users"] }),
    );
    expect(already.code).toBe("already-applied");
    const args = { migrationsDir: dir, tags: ["0001_orders", "0002_fk"] };
    const before = await sqlMarkApplied.before?.(testContext(conns), args);
    expect(await sqlMarkApplied.probe?.(testContext(conns), args, before)).toEqual({ state: "not-done" });
    const out = await sqlMarkApplied.run(testContext(conns), args);
    expect(out.marked.map((r) => [r.name, r.createdAt])).toEqual([
      ["0001_orders", 1_700_000_100_000],
      ["0002_fk", 1_700_000_200_000],
    ]);
    expect(await sqlMarkApplied.probe?.(testContext(conns), args, before)).toMatchObject({ state: "done" });
    // Drizzle's own migrator now finds nothing to do, and the constraint was never created.
    await drizzleMigrate(pg.url(db), dir);
    const after = await sqlMigrations.run(testContext(conns), { migrationsDir: dir });
    expect(after.pending).toEqual([]);
    expect(after.applied.map((r) => r.name)).toEqual(["0000_users", "0001_orders", "0002_fk"]);
    expect(sqlMarkApplied.requiresApproval).toBe(true);
    expect(sqlMarkApplied.plan(args, planContext(conns))[0]?.text).toMatch(
      /LOCK TABLE "drizzle"."__drizzle_migrations" IN EXCLUSIVE MODE; INSERT INTO .* -- 0001_orders, 0002_fk from .*, not run; COMMIT;/,
    );
  });
});
