import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { snapshotCreate } from "../../../src/builtins/snapshot/create.js";
import { checkName, splitGucList } from "../../../src/builtins/snapshot/database-props.js";
import { snapshotRestore } from "../../../src/builtins/snapshot/restore.js";
import { sqlExec } from "../../../src/builtins/sql/exec.js";
import { sqlQuery } from "../../../src/builtins/sql/query.js";
import { testPostgres } from "../../support/postgres.js";
import { connections, failure, planContext, testContext } from "../context.js";

const run = promisify(execFile);

describe("snapshot.restore modes against a real PostgreSQL: recreate returns the database exactly to the snapshot", () => {
  let pg: PostgresServer;
  let admin: Client;
  let dir: string;
  const tag = randomBytes(3).toString("hex");
  const owner = `rbx_owner_${tag}`;
  const app = `rbx_app_${tag}`;
  const weak = `rbx_weak_${tag}`;
  const made: string[] = [];

  const conns = (db: string, url = pg.url(db)) =>
    connections({ db: ["postgres", { url, snapshotsDir: dir }] });
  const ctx = (db: string) => testContext(conns(db), { secrets: [pg.password] });
  const rows = async (db: string, sql: string) =>
    (await sqlQuery.run(ctx(db), { sql })).rows as Record<string, unknown>[];

  // The schema as pg_dump prints it, without the per-run \restrict keys of recent pg_dump releases.
  const schemaText = async (db: string) => {
    const { stdout } = await run(
      join(pg.binDir, "pg_dump"),
      ["--schema-only", "--host", pg.host, "--port", String(pg.port), "--username", pg.user, db],
      { env: { ...process.env, PGPASSWORD: pg.password }, maxBuffer: 16 << 20 },
    );
    return stdout
      .split("\n")
      .filter((l) => !/^\\(un)?restrict /.test(l))
      .join("\n");
  };
  const contents = async (db: string) => ({
    organisations: await rows(db, "select * from organisations order by id"),
    members: await rows(db, "select * from members order by id"),
  });
  const props = async (db: string) =>
    (
      await admin.query(
        `select r.rolname as owner, pg_encoding_to_char(d.encoding) as encoding, d.datcollate, d.datctype,
                d.datconnlimit, d.datacl::text as acl, shobj_description(d.oid, 'pg_database') as comment,
                (select array_agg(coalesce(s.setrole::regrole::text, '-') || ':' || array_to_string(s.setconfig, '|')
                          order by s.setrole) from pg_db_role_setting s where s.setdatabase = d.oid) as settings
           from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = $1`,
        [db],
      )
    ).rows[0];
  const oidOf = async (db: string) =>
    (await admin.query("select oid::int as oid from pg_database where datname = $1", [db])).rows[0]?.oid;

  // A database owned by its own role, with privileges, settings and a comment, holding two related tables.
  async function productDatabase(): Promise<string> {
    const db = await pg.createDatabase();
    made.push(db);
    for (const sql of [
      `alter database ${db} owner to ${owner}`,
      `revoke all on database ${db} from public`,
      `grant connect, temporary on database ${db} to ${app}`,
      `alter database ${db} set search_path = "$user", public, extra`,
      `alter database ${db} connection limit 50`,
      `alter role ${app} in database ${db} set work_mem = '8MB'`,
      `comment on database ${db} is 'the product''s database'`,
    ])
      await admin.query(sql);
    await sqlExec.run(ctx(db), {
      statements: [
        "create table organisations (id serial primary key, name text not null)",
        "insert into organisations (name) select 'org ' || g from generate_series(1, 50) g",
        "create table members (id serial primary key, organisation_id int not null references organisations(id), email text)",
        "insert into members (organisation_id, email) select (g % 50) + 1, 'm' || g || '@example.test' from generate_series(1, 300) g",
      ],
    });
    return db;
  }

  // The upgrade's migration: a new table with a foreign key to a snapshotted one, a new column, changed data.
  const migrate = (db: string) =>
    sqlExec.run(ctx(db), {
      statements: [
        "create table memberships (id serial primary key, organisation_id int not null references organisations(id), role text)",
        "insert into memberships (organisation_id, role) select id, 'admin' from organisations",
        "alter table organisations add column plan text not null default 'free'",
        "update members set email = upper(email)",
        "delete from members where id > 250",
      ],
    });

  beforeAll(async () => {
    pg = await testPostgres();
    dir = mkdtempSync(join(tmpdir(), "rbx-restore-modes-"));
    const { default: pgLib } = await import("pg");
    admin = new pgLib.Client({ connectionString: pg.url() });
    admin.on("error", () => {});
    await admin.connect();
    await admin.query(`create role ${owner}`);
    await admin.query(`create role ${app}`);
    await admin.query(`create role ${weak} login password '${tag}-pw'`);
  });
  afterAll(async () => {
    for (const db of made) await pg.dropDatabase(db).catch(() => {});
    for (const role of [app, weak, owner]) await admin?.query(`drop role if exists ${role}`).catch(() => {});
    await admin?.end().catch(() => {});
    await pg?.stop();
  });

  it("clean fails over a migration's new table with a foreign key; recreate restores schema, data and database properties exactly, ending other sessions", async () => {
    const db = await productDatabase();
    const snap = await snapshotCreate.run(ctx(db), { label: "pre-upgrade" });
    const schemaBefore = await schemaText(db);
    const dataBefore = await contents(db);
    const propsBefore = await props(db);
    const oidBefore = await oidOf(db);
    await migrate(db);
    expect(await schemaText(db)).not.toBe(schemaBefore);

    const clean = await failure(snapshotRestore.run(ctx(db), { snapshot: snap.id, mode: "clean" }));
    expect(clean.code).toBe("pg-restore-failed");
    expect(clean.message).toMatch(/other objects depend on it/);
    expect(clean.message).not.toContain(pg.password);
    expect((await rows(db, "select count(*)::int as n from memberships"))[0]?.n).toBe(50);

    const before = await snapshotRestore.before?.(ctx(db), { snapshot: snap.id });
    expect(before).toEqual({ snapshot: snap.id, mode: "recreate", oid: oidBefore });
    expect(await snapshotRestore.probe?.(ctx(db), { snapshot: snap.id }, before)).toEqual({
      state: "not-done",
    });

    const { default: pgLib } = await import("pg");
    const session = new pgLib.Client({ connectionString: pg.url(db) });
    session.on("error", () => {});
    await session.connect();
    await session.query("begin; lock table organisations in access share mode");

    const c = ctx(db);
    const out = await snapshotRestore.run(c, { snapshot: snap.id });
    expect(out).toMatchObject({ id: snap.id, database: db, mode: "recreate", tables: 2 });
    expect(out.terminated).toBeGreaterThanOrEqual(1);
    expect(c.lines.some((l) => l.includes(`replacing ${db} with the restored copy`))).toBe(true);
    expect(c.lines.join("\n")).not.toContain(pg.password);
    await expect(session.query("select 1")).rejects.toThrow();
    await session.end().catch(() => {});

    expect(await schemaText(db)).toBe(schemaBefore);
    expect(await contents(db)).toEqual(dataBefore);
    expect(await props(db)).toEqual(propsBefore);
    expect(propsBefore).toMatchObject({ owner, datconnlimit: 50, comment: "the product's database" });
    expect(await oidOf(db)).not.toBe(oidBefore);
    expect(await oidOf(`${db}_rbx_restore`)).toBeUndefined();

    expect(await snapshotRestore.probe?.(ctx(db), { snapshot: snap.id }, before)).toMatchObject({
      state: "done",
      output: { id: snap.id, database: db, mode: "recreate", tables: 2 },
    });
  });

  it("clean mode still restores the data over the existing database as before", async () => {
    const db = await productDatabase();
    const snap = await snapshotCreate.run(ctx(db), {});
    const dataBefore = await contents(db);
    const oidBefore = await oidOf(db);
    await sqlExec.run(ctx(db), {
      statements: ["delete from members", "update organisations set name = 'x'"],
    });
    const out = await snapshotRestore.run(ctx(db), {
      snapshot: snap.id,
      mode: "clean",
      terminateConnections: true,
    });
    expect(out).toMatchObject({ mode: "clean", tables: 2 });
    expect(await contents(db)).toEqual(dataBefore);
    expect(await oidOf(db)).toBe(oidBefore);
    const probe = await snapshotRestore.probe?.(ctx(db), { snapshot: snap.id, mode: "clean" }, {});
    expect(probe?.state).toBe("unknown");
  });

  it("recreate refuses a database in use when told not to end sessions, and changes nothing", async () => {
    const db = await productDatabase();
    const snap = await snapshotCreate.run(ctx(db), {});
    await migrate(db);
    const { default: pgLib } = await import("pg");
    const session = new pgLib.Client({ connectionString: pg.url(db) });
    session.on("error", () => {});
    await session.connect();
    try {
      const err = await failure(
        snapshotRestore.run(ctx(db), { snapshot: snap.id, terminateConnections: false }),
      );
      expect(err.code).toBe("database-in-use");
      expect(err.message).toMatch(/1 other session\(s\) are connected.*nothing was changed/);
      expect((await session.query("select count(*)::int as n from memberships")).rows[0]?.n).toBe(50);
    } finally {
      await session.end().catch(() => {});
    }
  });

  it("a failing pg_restore leaves the database untouched, drops the copy and says so", async () => {
    const db = await productDatabase();
    const gone = `rbx_gone_${tag}`;
    await admin.query(`create role ${gone}`);
    await sqlExec.run(ctx(db), { statements: [`alter table members owner to ${gone}`] });
    const snap = await snapshotCreate.run(ctx(db), {});
    await sqlExec.run(ctx(db), {
      statements: [`alter table members owner to postgres`, "delete from members where id > 10"],
    });
    await admin.query(`drop role ${gone}`);
    const oidBefore = await oidOf(db);

    const err = await failure(snapshotRestore.run(ctx(db), { snapshot: snap.id }));
    expect(err.code).toBe("pg-restore-failed");
    expect(err.message).toContain(`role "${gone}" does not exist`);
    expect(err.message).toContain(`The database ${db} was not changed`);
    expect(err.message).not.toContain(pg.password);
    expect(await oidOf(db)).toBe(oidBefore);
    expect(await oidOf(`${db}_rbx_restore`)).toBeUndefined();
    expect((await rows(db, "select count(*)::int as n from members"))[0]?.n).toBe(10);
  });

  it("an interrupted recreate stops pg_restore, drops the copy and leaves the database as it was", async () => {
    const db = await productDatabase();
    await sqlExec.run(ctx(db), {
      statements: ["create table big as select g, md5(g::text) as h from generate_series(1, 400000) g"],
      timeout: "60s",
    });
    const snap = await snapshotCreate.run(ctx(db), {});
    await migrate(db);
    const oidBefore = await oidOf(db);
    const controller = new AbortController();
    const c = testContext(conns(db), { signal: controller.signal });
    const running = failure(snapshotRestore.run(c, { snapshot: snap.id }));
    for (let i = 0; i < 1000 && !c.lines.some((l) => l.startsWith("info: pg_restore ")); i++)
      await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error("SIGINT"));
    const err = await running;
    expect(err.code).toBe("interrupted");
    expect(await oidOf(db)).toBe(oidBefore);
    expect(await oidOf(`${db}_rbx_restore`)).toBeUndefined();
    expect((await rows(db, "select count(*)::int as n from memberships"))[0]?.n).toBe(50);
  });

  it("recreate refuses a user who may not create databases before touching anything", async () => {
    const db = await productDatabase();
    const snap = await snapshotCreate.run(ctx(db), {});
    await admin.query(`grant connect on database ${db} to ${weak}`);
    const weakUrl = `postgres://${weak}:${tag}-pw@${pg.host}:${pg.port}/${db}`;
    const err = await failure(snapshotRestore.run(testContext(conns(db, weakUrl)), { snapshot: snap.id }));
    expect(err.code).toBe("restore-not-permitted");
    expect(err.message).toMatch(/lacks CREATEDB and membership in the owner role .*use mode: clean/);
    expect(err.message).not.toContain(`${tag}-pw`);
  });

  it("plans every statement of a recreate, quoted, without secrets", () => {
    const plan = snapshotRestore.plan({ snapshot: "abc-1" }, planContext(conns("kryton"), [pg.password]));
    const text = plan[0]?.text ?? "";
    expect(text).toContain('DROP DATABASE IF EXISTS "kryton_rbx_restore" WITH (FORCE)');
    expect(text).toContain('CREATE DATABASE "kryton_rbx_restore" WITH TEMPLATE template0 OWNER <owner>');
    expect(text).toContain("pg_restore --exit-on-error --verbose --single-transaction --host 127.0.0.1");
    expect(text).toContain("--dbname kryton_rbx_restore <snapshot abc-1>");
    expect(text).toContain('DROP DATABASE IF EXISTS "kryton" WITH (FORCE)');
    expect(text).toContain('ALTER DATABASE "kryton_rbx_restore" RENAME TO "kryton"');
    expect(text).not.toContain(pg.password);
    const keep = snapshotRestore.plan(
      { snapshot: "abc-1", terminateConnections: false, maintenanceDatabase: "admin" },
      planContext(conns("kryton")),
    )[0]?.text;
    expect(keep).toContain('connect to "admin"');
    expect(keep).toMatch(/DROP DATABASE IF EXISTS "kryton"\n/);
  });

  it("refuses names that are not plain, and splits list settings as PostgreSQL stores them", () => {
    expect(() => checkName("database", 'x"; drop database y; --')).toThrow(/not a plain name/);
    expect(() => checkName("database", "a@b")).toThrow(/not a plain name/);
    expect(checkName("role", "alice@corp.example")).toBe("alice@corp.example");
    expect(splitGucList('"$user", public, "we""ird"')).toEqual(["$user", "public", 'we"ird']);
  });
});
