import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { sqlExec } from "../../../src/builtins/sql/exec.js";
import { sqlQuery } from "../../../src/builtins/sql/query.js";
import { createRunResources } from "../../../src/run/sessions/run-resources.js";
import { testPostgres } from "../../support/postgres.js";
import { connections, failure, planContext, testContext } from "../context.js";

describe("sql.query and sql.exec against a real PostgreSQL", () => {
  let pg: PostgresServer;
  let db: string;
  let conns: ReturnType<typeof connections>;
  beforeAll(async () => {
    pg = await testPostgres();
    db = await pg.createDatabase();
    conns = connections({ db: ["postgres", { url: pg.url(db) }] });
    await sqlExec.run(testContext(conns), {
      statements: [
        "create table items (id serial primary key, name text not null, qty int, added timestamptz default now())",
        { sql: "insert into items (name, qty) values ($1, $2), ($3, $4)", params: ["bolt", 10, "nut", 20] },
      ],
    });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("returns rows as maps with bound parameters (an injection attempt stays a value)", async () => {
    const out = await sqlQuery.run(testContext(conns), {
      sql: "select name, qty, added from items where name = $1 or name = $2 order by id",
      params: ["bolt", "x' or '1'='1"],
    });
    expect(out.rowCount).toBe(1);
    expect(out.columns).toEqual(["name", "qty", "added"]);
    expect(out.rows[0]).toMatchObject({ name: "bolt", qty: 10 });
    expect(typeof out.rows[0]?.added).toBe("string");
  });

  it("runs queries read-only", async () => {
    const err = await failure(sqlQuery.run(testContext(conns), { sql: "delete from items" }));
    expect(err.code).toBe("sql-error");
    expect(err.message).toMatch(/read-only transaction.*SQLSTATE 25006/);
  });

  it("reports an SQL error with its SQLSTATE and rolls the whole transaction back", async () => {
    const err = await failure(
      sqlExec.run(testContext(conns), {
        statements: [
          "insert into items (name, qty) values ('washer', 1)",
          "insert into missing_table values (1)",
        ],
      }),
    );
    expect(err.code).toBe("undefined-table");
    expect(err.message).toMatch(/relation "missing_table" does not exist.*SQLSTATE 42P01/);
    expect(err.cause).toBeInstanceOf(Error);
    const left = await sqlQuery.run(testContext(conns), {
      sql: "select count(*)::int as n from items where name = 'washer'",
    });
    expect(left.rows[0]?.n).toBe(0);
  });

  it("fails with lock-timeout when another session holds the table", async () => {
    const { default: pgLib } = await import("pg");
    const holder = new pgLib.Client({ connectionString: pg.url(db) });
    await holder.connect();
    try {
      await holder.query("begin; lock table items in access exclusive mode");
      const err = await failure(
        sqlExec.run(testContext(conns), {
          statements: ["update items set qty = qty + 1"],
          lockTimeout: "200ms",
        }),
      );
      expect(err.code).toBe("lock-timeout");
      expect(err.message).toMatch(/lock timeout.*SQLSTATE 55P03/);
    } finally {
      await holder.query("rollback").catch(() => {});
      await holder.end();
    }
  });

  it("fails with statement-timeout when a statement runs too long", async () => {
    const err = await failure(
      sqlQuery.run(testContext(conns), { sql: "select pg_sleep(5)", timeout: "300ms" }),
    );
    expect(err.code).toBe("statement-timeout");
  });

  it("cancels the statement on the server when the step is aborted", async () => {
    const controller = new AbortController();
    const ctx = testContext(conns, { signal: controller.signal });
    const running = sqlExec.run(ctx, { statements: ["select pg_sleep(30)"], timeout: "60s" });
    setTimeout(() => controller.abort(new Error("SIGINT")), 300);
    const err = await failure(running);
    expect(err.code).toBe("interrupted");
    const { default: pgLib } = await import("pg");
    const watcher = new pgLib.Client({ connectionString: pg.url(db) });
    await watcher.connect();
    try {
      let sleeping = 1;
      for (let i = 0; i < 50 && sleeping > 0; i++) {
        const res = await watcher.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(30)%' and state = 'active'",
        );
        sleeping = res.rows[0]?.n ?? 0;
        if (sleeping) await new Promise((r) => setTimeout(r, 100));
      }
      expect(sleeping).toBe(0);
    } finally {
      await watcher.end();
    }
  });

  it("settles an interrupted sql.exec with its probe query", async () => {
    const args = {
      statements: ["create table flags (k text primary key)"],
      probe: "select to_regclass('public.flags') is not null",
    };
    const ctx = testContext(conns);
    expect(await sqlExec.before?.(ctx, args)).toEqual({ alreadyDone: false });
    expect(await sqlExec.probe?.(ctx, args, null)).toEqual({ state: "not-done" });
    await sqlExec.run(ctx, args);
    expect(await sqlExec.probe?.(ctx, args, null)).toEqual({ state: "done" });
    const noProbe = await sqlExec.probe?.(ctx, { statements: ["select 1"] }, null);
    expect(noProbe?.state).toBe("unknown");
  });

  it("shares one pool per connection across a run and closes it at the end", async () => {
    const resources = createRunResources();
    const ctx = testContext(conns, { resources });
    const pidOf = async () =>
      (await sqlQuery.run(ctx, { sql: "select pg_backend_pid() as pid" })).rows[0]?.pid as number;
    const first = await pidOf();
    expect(await pidOf()).toBe(first);
    expect(await resources.disposeAll()).toEqual([]);
    const after = await sqlQuery.run(testContext(conns), {
      sql: "select count(*)::int as n from pg_stat_activity where pid = $1",
      params: [first],
    });
    expect(after.rows[0]?.n).toBe(0);
  });

  it("plans the statements with bound values, secrets redacted", () => {
    const plan = sqlExec.plan(
      {
        connection: "db",
        statements: [{ sql: "update users set token = $1 where id = $2", params: ["s3cret-token", 7] }],
      },
      planContext(conns, ["s3cret-token"]),
    );
    expect(plan).toEqual([
      {
        kind: "sql",
        text: '[db] BEGIN;\nupdate users set token = $1 where id = $2\n  -- bound: $1="***" $2=7;\nCOMMIT;',
      },
    ]);
  });

  it("names a missing connection clearly and never leaks the password", async () => {
    const err = await failure(sqlQuery.run(testContext(conns), { sql: "select 1", connection: "nope" }));
    expect(err.code).toBe("unknown-connection");
    const bad = connections({ db: ["postgres", { url: pg.url(db).replace(pg.password, "wrong-pass-123") }] });
    const auth = await failure(sqlQuery.run(testContext(bad), { sql: "select 1" }));
    expect(auth.code).toBe("unauthenticated");
    expect(auth.message).not.toContain("wrong-pass-123");
  });
});
