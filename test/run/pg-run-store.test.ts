// The PostgreSQL store on the test run's real server: migrations under an advisory lock, fenced appends, locks
// with leases and fencing tokens, grants, import from a file store, and failures said without secrets.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { FileRunStore } from "../../src/run/store/file-store.js";
import { importRuns } from "../../src/run/store/import-runs.js";
import { LATEST_VERSION, MIGRATIONS } from "../../src/run/store/pg-schema.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { StoreFencedError, StoreUnavailableError } from "../../src/run/store/run-store.js";
import { safeLocation } from "../../src/run/store/store-url.js";
import { testPostgres } from "../support/postgres.js";

let server: PostgresServer;
let db: string;
let dir: string;
const stores: PgRunStore[] = [];
beforeAll(async () => {
  server = await testPostgres();
});
beforeEach(async () => {
  db = await server.createDatabase();
  dir = mkdtempSync(join(tmpdir(), "rbx-pgstore-"));
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await server.dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {});

const open = (url = server.url(db), leaseMs?: number) => {
  const s = new PgRunStore(url, { stateDir: join(dir, ".rbx"), ...(leaseMs ? { leaseMs } : {}) });
  stores.push(s);
  return s;
};
const keys = [
  { key: "postgres-aaaa", label: "db (postgres)" },
  { key: "kubernetes-bbbb", label: "cluster (kubernetes)" },
];
const holder = (runId: string, over: { pid?: number; host?: string } = {}) => ({
  runId,
  pid: over.pid ?? process.pid,
  host: over.host ?? hostname(),
  startedAt: "2025-01-01T00:00:00.000Z",
  user: "tester",
});

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: server.url(db) });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe("schema", () => {
  it("is migrated on first use by one of two racing first users, then reports its version", async () => {
    const a = open();
    const b = open();
    const [ra, rb] = await Promise.all([a.list(), b.list()]);
    expect(ra).toEqual([]);
    expect(rb).toEqual([]);
    const versions = await sql<{ version: number }>(
      "SELECT version FROM rbx.schema_version ORDER BY version",
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await open().migrate()).toMatchObject({ from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
    expect(await open().status()).toMatchObject({
      version: LATEST_VERSION,
      latest: LATEST_VERSION,
      role: "postgres",
    });
  });

  it("refuses a store whose schema is newer than this rbx knows", async () => {
    await open().list();
    await sql("INSERT INTO rbx.schema_version (version, summary) VALUES ($1, 'from the future')", [
      LATEST_VERSION + 1,
    ]);
    await expect(open().list()).rejects.toThrow(/newer than this rbx knows.*upgrade rbx/);
  });
});

describe("journals", () => {
  it("keeps the hash chain across appends and reopen, and verifies what it reads", async () => {
    const s = open();
    const j = await s.create("20250101-000000-aaaa");
    j.append({ type: "guards.passed" });
    j.append({ type: "phase.entered", phase: "one", boundary: false });
    await j.flush();
    await j.close();
    const read = await s.read("20250101-000000-aaaa");
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(await s.firstEvent("20250101-000000-aaaa")).toEqual(read.events[0]);
    expect(await s.firstEvent("20250101-000000-bbbb")).toBeUndefined();
    const again = await s.reopen("20250101-000000-aaaa", read);
    again.append({ type: "phase.completed", phase: "one" });
    await again.close();
    const since = await s.readSince("20250101-000000-aaaa", { seq: 2, hash: read.lastHash });
    expect(since.events.map((e) => e.type)).toEqual(["phase.completed"]);
    expect(since.problems).toEqual([]);
    // An edited row breaks the chain; a deleted last row is caught by the head.
    await sql("UPDATE rbx.events SET line = replace(line, '\"one\"', '\"two\"') WHERE seq = 2");
    expect((await s.read("20250101-000000-aaaa")).problems[0]?.kind).toBe("tampered");
    await sql("UPDATE rbx.events SET line = replace(line, '\"two\"', '\"one\"') WHERE seq = 2");
    await sql("DELETE FROM rbx.events WHERE seq = 3");
    expect((await s.read("20250101-000000-aaaa")).problems[0]?.kind).toBe("truncated");
  });

  it("writes flushes called while one is in flight once each, in order (a read's start written as it runs)", async () => {
    const s = open();
    const j = await s.create("20250101-000000-bbbb");
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      j.append({ type: "phase.entered", phase: `p${i}`, boundary: false });
      flushes.push(Promise.resolve(j.flush()));
      if (i % 3 === 0) j.append({ type: "phase.completed", phase: `p${i}` });
    }
    await Promise.all(flushes);
    expect(j.unwritten()).toEqual([]);
    await j.close();
    const read = await s.read("20250101-000000-bbbb");
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => e.seq)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
  });

  it("fences a second writer of the same event, and a writer whose token is no longer the lock's", async () => {
    const s = open();
    const locked = await s.lock(keys, holder("run-1"), false);
    if (!locked.ok) throw new Error("not locked");
    const fence = { keys: keys.map((k) => k.key), token: locked.token };
    const first = await s.create("run-1", fence);
    first.append({ type: "guards.passed" });
    await first.flush();
    const read = await s.read("run-1");
    const a = await s.reopen("run-1", read, fence);
    const b = await s.reopen("run-1", read);
    a.append({ type: "phase.entered", phase: "one", boundary: false });
    b.append({ type: "phase.entered", phase: "two", boundary: false });
    await a.flush();
    await expect(b.flush()).rejects.toBeInstanceOf(StoreFencedError);
    expect(b.unwritten().map((e) => e.type)).toEqual(["phase.entered"]);
    // Another run takes the locks over: run-1's next append is refused before anything is written.
    const forced = await s.lock(keys, holder("run-2"), true);
    expect(forced.ok && forced.forced.map((h) => h.runId)).toEqual(["run-1", "run-1"]);
    expect(forced.ok && forced.token).toBeGreaterThan(locked.token);
    a.append({ type: "phase.completed", phase: "one" });
    await expect(a.flush()).rejects.toThrow(/no longer holds its locks/);
    expect((await s.read("run-1")).events).toHaveLength(2);
    expect(await s.holds("run-1", keys, locked.token)).toBe(false);
  });
});

describe("locks", () => {
  it("gives a target to one run, names the holder with its lease, and reclaims for the same run once gone", async () => {
    const s = open(undefined, 60_000);
    const locked = await s.lock(keys, holder("run-1"), false);
    expect(locked.ok).toBe(true);
    const refused = await s.lock([keys[0] as (typeof keys)[0]], holder("run-2"), false);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.conflicts[0]).toMatchObject({ alive: true, holder: { runId: "run-1", user: "tester" } });
      expect(Date.parse(refused.conflicts[0]?.holder.expiresAt ?? "")).toBeGreaterThan(Date.now() + 50_000);
    }
    // The same run from this very process takes its locks again (a new token).
    const again = await s.lock(keys, holder("run-1"), false);
    expect(again.ok && locked.ok && again.token > locked.token).toBe(true);
    // A halted run lets go: its locks stay, anyone may resume it, another run still needs --force-unlock.
    if (!again.ok) throw new Error("not locked");
    await s.leave("run-1", keys, again.token);
    const other = await s.lock(keys, holder("run-2"), false);
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.conflicts.map((c) => c.alive)).toEqual([false, false]);
    const resumed = await s.lock(keys, holder("run-1", { pid: 1, host: "host-b" }), false);
    expect(resumed.ok && resumed.reclaimed.map((h) => h.runId)).toEqual(["run-1", "run-1"]);
  });

  it("knows a holder on another host is dead only when its lease runs out, and renews a live one", async () => {
    const s = open(undefined, 1_000);
    const a = await s.lock(keys, holder("run-1", { host: "host-a", pid: 4242 }), false);
    if (!a.ok) throw new Error("not locked");
    expect(await s.renew("run-1", keys, a.token)).toBe("renewed");
    const early = await s.lock(keys, holder("run-1", { host: "host-b" }), false);
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.conflicts[0]?.alive).toBe(true);
    await new Promise((r) => setTimeout(r, 1_300));
    const late = await s.lock(keys, holder("run-1", { host: "host-b" }), false);
    expect(late.ok).toBe(true);
    expect(await s.renew("run-1", keys, a.token)).toBe("lost");
  });

  it("lets only rbx_admin take over another run's lock and only rbx_approver approve", async () => {
    const owner = open();
    await owner.list();
    await sql("CREATE ROLE op_only LOGIN PASSWORD 'op-pw'");
    try {
      await sql("GRANT rbx_operator TO op_only");
      const url = new URL(server.url(db));
      url.username = "op_only";
      url.password = "op-pw";
      const op = open(url.toString());
      expect(await op.role()).toBe("op_only");
      expect((await op.lock(keys, holder("run-1"), false)).ok).toBe(true);
      await expect(op.lock(keys, holder("run-2"), true)).rejects.toThrow(/needs membership of rbx_admin/);
      const j = await op.create("run-1");
      j.append({ type: "approval.granted", step: "gate", by: "op", via: "approve" });
      await expect(j.flush()).rejects.toThrow(/approving needs membership of rbx_approver/);
      await op.close();
    } finally {
      await sql("DROP OWNED BY op_only");
      await sql("DROP ROLE op_only");
    }
  });
});

describe("failures", () => {
  it("never shows the URL's password, and says clearly when the store cannot be reached", async () => {
    const url = `postgres://rbx:s3cr3t-pw@127.0.0.1:1/rbx`;
    expect(safeLocation(url)).toBe("postgres://rbx@127.0.0.1:1/rbx");
    const s = open(url);
    const err = await s.list().catch((e: Error) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toContain("cannot reach the run store at postgres://rbx@127.0.0.1:1/rbx");
    expect((err as Error).message).not.toContain("s3cr3t-pw");
    const wrong = new URL(server.url(db));
    wrong.password = "not-the-password";
    const denied = await open(wrong.toString())
      .list()
      .catch((e: Error) => e);
    expect((denied as Error).message).toMatch(/password authentication failed/);
    expect((denied as Error).message).not.toContain("not-the-password");
  });
});

describe("import", () => {
  it("moves verified journals with their runbook and locks, and leaves a journal that does not verify", async () => {
    const files = new FileRunStore(join(dir, "old"));
    const good = await files.create("20250101-000000-aaaa");
    good.append({ type: "guards.passed" });
    good.append({ type: "phase.entered", phase: "ü-phase", boundary: true });
    await good.close();
    await files.saveDocument("20250101-000000-aaaa", "apiVersion: rbx/v1\n");
    await files.lock(keys, holder("20250101-000000-aaaa", { pid: 999_999_9 }), false);
    const bad = await files.create("20250102-000000-bbbb");
    bad.append({ type: "guards.passed" });
    await bad.close();
    const path = join(dir, "old", "runs", "20250102-000000-bbbb.jsonl");
    const { readFileSync, writeFileSync } = await import("node:fs");
    writeFileSync(path, readFileSync(path, "utf8").replace("guards.passed", "guards.failed"));
    const s = open();
    const out = await importRuns(files, s);
    expect(out.map((o) => [o.runId, o.result])).toEqual([
      ["20250101-000000-aaaa", "imported"],
      ["20250102-000000-bbbb", "does-not-verify"],
    ]);
    const read = await s.read("20250101-000000-aaaa");
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => e.type)).toEqual(["guards.passed", "phase.entered"]);
    expect(await s.document("20250101-000000-aaaa")).toBe("apiVersion: rbx/v1\n");
    const held = await s.holders(keys);
    expect(held.map((h) => [h.holder.runId, h.alive])).toEqual([
      ["20250101-000000-aaaa", false],
      ["20250101-000000-aaaa", false],
    ]);
    expect(await files.list()).toEqual(["20250102-000000-bbbb"]);
    expect(readdirSync(join(dir, "old", "runs"))).toContain("20250101-000000-aaaa.jsonl.imported");
    expect((await importRuns(files, s)).map((o) => o.result)).toEqual(["does-not-verify"]);
  });
});
