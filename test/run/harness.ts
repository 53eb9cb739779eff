// A temporary workspace for interpreter tests: runbook files, a RunStore (files, or a fresh database on the
// test run's PostgreSQL), and normalized journals.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type AnyAction, catalogOf } from "../../src/contract/action.js";
import type { RunEvent } from "../../src/run/model/events.js";
import type { SessionOptions } from "../../src/run/sessions/session-options.js";
import { FileRunStore } from "../../src/run/store/file-store.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import type { RunStore } from "../../src/run/store/run-store.js";
import { testPostgres } from "../support/postgres.js";
import { testCatalog } from "./test-actions.js";

/** The stores every interpreter suite runs against. */
export const STORES = ["file", "postgres"] as const;
export type StoreKind = (typeof STORES)[number];

/** One test's workspace. */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), "rbx-rt-"));
  readonly said: string[] = [];
  readonly events: RunEvent[] = [];
  store: RunStore = new FileRunStore(join(this.dir, ".rbx"));
  private database: string | undefined;
  private readonly others: { store: RunStore; role?: string }[] = [];

  /** A workspace over `kind`: the file store in its directory, or a fresh database (dropped in `cleanup`). */
  static async create(kind: StoreKind = "file", leaseMs?: number): Promise<Harness> {
    const h = new Harness();
    if (kind === "postgres") {
      const server = await testPostgres();
      h.database = await server.createDatabase();
      h.store = new PgRunStore(server.url(h.database), {
        stateDir: join(h.dir, ".rbx"),
        ...(leaseMs ? { leaseMs } : {}),
      });
    }
    return h;
  }

  /**
   * Another operator: a user name, and with PostgreSQL a login role of their own (a member of rbx_approver and
   * rbx_admin) and their own connection — the store tells operators apart by their role.
   */
  async operator(user: string): Promise<Pick<SessionOptions, "user" | "store">> {
    if (!(this.store instanceof PgRunStore) || !this.database) return { user, store: this.store };
    await this.store.role(); // the schema (and the rbx_* roles) exist before the new role joins them
    const server = await testPostgres();
    const role = `${user}_${Math.random().toString(16).slice(2, 8)}`;
    const password = `pw-${Math.random().toString(16).slice(2)}`;
    const admin = new pg.Client({ connectionString: server.url(this.database) });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`GRANT rbx_approver, rbx_admin TO ${role}`);
    } finally {
      await admin.end();
    }
    const url = new URL(server.url(this.database));
    url.username = role;
    url.password = password;
    const store = new PgRunStore(url.toString(), { stateDir: join(this.dir, ".rbx") });
    this.others.push({ store, role });
    return { user, store };
  }

  /** Write a file into the workspace; returns its path. */
  write(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** A path inside the workspace. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** The test catalog: the built-in shapes' stand-ins that do real work on the test's files. */
  readonly catalog = catalogOf(testCatalog as readonly AnyAction[]);

  /** What `planRunbook` takes: the workspace, the test catalog, and the said lines. */
  planOpts() {
    return {
      cwd: this.dir,
      env: { PATH: process.env.PATH },
      catalog: this.catalog,
      say: (l: string) => this.said.push(l),
    };
  }

  /** Session options with the test catalog; `over` replaces any of them. */
  opts(over: Partial<SessionOptions> = {}): SessionOptions {
    return {
      store: this.store,
      cwd: this.dir,
      env: { PATH: process.env.PATH },
      user: "tester",
      catalog: this.catalog,
      signal: new AbortController().signal,
      log: { info: () => {}, warn: () => {}, progress: () => {} },
      onEvent: (e) => this.events.push(e),
      say: (l) => this.said.push(l),
      ...over,
    };
  }

  /** The run's journal as compact lines with times, hashes, ids and paths normalized. */
  async journal(runId: string): Promise<string[]> {
    const read = await this.store.read(runId);
    return read.events.map((e) => normalize(e, this.dir, runId));
  }

  /** Everything the store holds for a run, as stored: the journal file, or every column of its rows. */
  async rawJournal(runId: string): Promise<string> {
    if (this.store instanceof FileRunStore) {
      return readFileSync(join(this.store.stateDir, "runs", `${runId}.jsonl`), "utf8");
    }
    const server = await testPostgres();
    const client = new pg.Client({ connectionString: server.url(this.database) });
    await client.connect();
    try {
      const rows = await client.query(
        "SELECT e.*, d.document FROM rbx.events e LEFT JOIN rbx.documents d USING (run_id) WHERE run_id = $1",
        [runId],
      );
      return JSON.stringify(rows.rows);
    } finally {
      await client.end();
    }
  }

  /** Remove the workspace's directory (a store the test opened itself is the test's to close). */
  cleanupDir(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  async cleanup(): Promise<void> {
    await this.store.close();
    for (const o of this.others) await o.store.close();
    if (this.database) {
      const server = await testPostgres();
      await server.dropDatabase(this.database);
      const admin = new pg.Client({ connectionString: server.url() });
      await admin.connect();
      try {
        for (const o of this.others) if (o.role) await admin.query(`DROP ROLE IF EXISTS ${o.role}`);
      } finally {
        await admin.end();
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One event as `type {fields}` without seq/at/prev, with the volatile values replaced. */
export function normalize(e: RunEvent, dir: string, runId: string): string {
  const { seq: _s, at: _a, prev: _p, type, ...rest } = e;
  const text = JSON.stringify(rest, (key, value) => {
    if (key === "pid") return "<pid>";
    if (key === "host") return "<host>";
    if (key === "token" && typeof value === "number") return "<token>";
    // The store's role is recorded only by a store that authenticates (PostgreSQL): the suites compare the rest.
    if (key === "role") return undefined;
    if (key === "contentHash" || key === "planHash") return "<hash>";
    if (key === "startedAt" || key === "approvedAt") return "<time>";
    // Only a store with leases says when a lock's lease runs out.
    if (key === "expiresAt") return undefined;
    return value;
  });
  return `${type} ${text}`
    .replaceAll(dir, "<dir>")
    .replaceAll(runId, "<run>")
    .replaceAll(`@${hostname()}`, "@<host>")
    .replace(/ \{\}$/, "");
}
