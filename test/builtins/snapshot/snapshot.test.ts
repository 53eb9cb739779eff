import { appendFileSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { snapshotCreate } from "../../../src/builtins/snapshot/create.js";
import { snapshotList } from "../../../src/builtins/snapshot/list.js";
import { snapshotRestore } from "../../../src/builtins/snapshot/restore.js";
import { snapshotVerify } from "../../../src/builtins/snapshot/verify.js";
import { sqlExec } from "../../../src/builtins/sql/exec.js";
import { sqlQuery } from "../../../src/builtins/sql/query.js";
import { testPostgres } from "../../support/postgres.js";
import { connections, failure, planContext, testContext } from "../context.js";

describe("snapshot.* against a real PostgreSQL with pg_dump / pg_restore", () => {
  let pg: PostgresServer;
  let db: string;
  let dir: string;
  let conns: ReturnType<typeof connections>;
  const count = async (table: string) =>
    (await sqlQuery.run(testContext(conns), { sql: `select count(*)::int as n from ${table}` })).rows[0]?.n;

  beforeAll(async () => {
    pg = await testPostgres();
    db = await pg.createDatabase();
    dir = mkdtempSync(join(tmpdir(), "rbx-snapshots-"));
    conns = connections({ db: ["postgres", { url: pg.url(db), snapshotsDir: dir }] });
    await sqlExec.run(testContext(conns), {
      statements: [
        "create table customers (id serial primary key, name text)",
        "insert into customers (name) select 'c' || g from generate_series(1, 500) g",
        "create table orders (id serial primary key, customer_id int references customers(id), total numeric)",
        "insert into orders (customer_id, total) select (g % 500) + 1, g * 1.5 from generate_series(1, 2000) g",
      ],
    });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("snapshots, survives a destructive change, and restores the data (custom format)", async () => {
    const ctx = testContext(conns, { secrets: [pg.password] });
    const snap = await snapshotCreate.run(ctx, { label: "pre-4.6.5" });
    expect(snap.id).toMatch(new RegExp(`^${db.replace(/_/g, "-")}-\\d{8}T\\d{6}Z-[0-9a-f]{6}$`));
    expect(snap).toMatchObject({ database: db, label: "pre-4.6.5", format: "custom", connection: "db" });
    expect(snap.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(snap.size).toBeGreaterThan(0);
    expect(snap.serverVersion).toMatch(/^\d+/);
    expect(ctx.lines.some((l) => l.startsWith("progress: ") && l.includes("table(s) dumped"))).toBe(true);
    expect(ctx.lines.join("\n")).not.toContain(pg.password);

    await sqlExec.run(testContext(conns), {
      statements: ["drop table orders", "delete from customers where id > 10"],
    });
    expect(await count("customers")).toBe(10);

    const restored = await snapshotRestore.run(testContext(conns), { snapshot: snap.id });
    expect(restored).toMatchObject({ id: snap.id, database: db, tables: 2 });
    expect(await count("customers")).toBe(500);
    expect(await count("orders")).toBe(2000);
  });

  it("dumps in directory format with parallel jobs and restores with jobs, ending other sessions first", async () => {
    const snap = await snapshotCreate.run(testContext(conns), { format: "directory", jobs: 2, label: "dir" });
    expect(snap.format).toBe("directory");
    expect(readdirSync(join(snap.path, "dump.d")).some((f) => f === "toc.dat")).toBe(true);
    const verified = await snapshotVerify.run(testContext(conns), { snapshot: snap.id });
    expect(verified.tables.sort()).toEqual(["public.customers", "public.orders"]);

    const { default: pgLib } = await import("pg");
    const idle = new pgLib.Client({ connectionString: pg.url(db) });
    idle.on("error", () => {});
    await idle.connect();
    await idle.query("begin; lock table customers in access share mode");
    await sqlExec
      .run(testContext(conns), { statements: ["truncate orders"], lockTimeout: "5s" })
      .catch(() => {});
    const restored = await snapshotRestore.run(testContext(conns), {
      snapshot: snap.id,
      jobs: 2,
      terminateConnections: true,
    });
    expect(restored.terminated).toBeGreaterThanOrEqual(1);
    expect(await count("orders")).toBe(2000);
    await idle.end().catch(() => {});
  });

  it("verify detects a tampered dump, and restore refuses it", async () => {
    const snap = await snapshotCreate.run(testContext(conns), { label: "tamper" });
    expect((await snapshotVerify.run(testContext(conns), { snapshot: snap.id })).ok).toBe(true);
    appendFileSync(join(snap.path, "dump"), "garbage");
    const err = await failure(snapshotVerify.run(testContext(conns), { snapshot: snap.id }));
    expect(err.code).toBe("checksum-mismatch");
    const refused = await failure(snapshotRestore.run(testContext(conns), { snapshot: snap.id }));
    expect(refused.code).toBe("checksum-mismatch");
  });

  it("lists snapshots newest first, filtered by label, and reports unknown ids", async () => {
    const out = await snapshotList.run(testContext(conns), {});
    expect(out.snapshots.length).toBeGreaterThanOrEqual(3);
    expect(out.latest?.label).toBe("tamper");
    const pre = await snapshotList.run(testContext(conns), { label: "pre-4.6.5" });
    expect(pre.snapshots.map((s) => s.label)).toEqual(["pre-4.6.5"]);
    const err = await failure(snapshotVerify.run(testContext(conns), { snapshot: "nope-123" }));
    expect(err.code).toBe("snapshot-not-found");
    const traversal = await failure(snapshotVerify.run(testContext(conns), { snapshot: "../etc" }));
    expect(traversal.code).toBe("invalid-snapshot-id");
  });

  it("plans pg_dump and pg_restore without the password", () => {
    const plan = snapshotCreate.plan({ label: "x" }, planContext(conns));
    expect(plan[0]?.text).toContain("pg_dump --format=custom --file");
    expect(plan[0]?.text).toContain(`--dbname ${db}`);
    expect(plan[0]?.text).not.toContain(pg.password);
    const restore = snapshotRestore.plan(
      { snapshot: "abc-1", mode: "clean", terminateConnections: true },
      planContext(conns),
    );
    expect(restore[0]?.text).toContain(
      "pg_restore --exit-on-error --verbose --clean --if-exists --single-transaction",
    );
    expect(restore[0]?.text).toContain("terminate other sessions");
  });

  it("stops pg_dump when the run is interrupted and leaves no partial snapshot", async () => {
    await sqlExec.run(testContext(conns), {
      statements: ["create table big as select g, md5(g::text) as h from generate_series(1, 400000) g"],
      timeout: "60s",
    });
    const controller = new AbortController();
    const before = readdirSync(dir).length;
    const running = snapshotCreate.run(testContext(conns, { signal: controller.signal }), {
      label: "interrupted",
    });
    setTimeout(() => controller.abort(new Error("SIGINT")), 150);
    const err = await failure(running);
    expect(err.code).toBe("interrupted");
    expect(readdirSync(dir).length).toBe(before);
    await sqlExec.run(testContext(conns), { statements: ["drop table big"] });
  });
});
