// The CLI suites against both stores: each named place a test keeps runs in is a state directory (file store) or
// a fresh database on the test run's PostgreSQL plus that state directory (PostgreSQL store, via --store).
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import pg from "pg";
import { FileRunStore } from "../../src/run/store/file-store.js";
import type { JournalRead } from "../../src/run/store/journal-file.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import type { RunStore } from "../../src/run/store/run-store.js";
import { testPostgres } from "../support/postgres.js";

/** The stores every CLI suite runs against. */
export const CLI_STORES = ["file", "postgres"] as const;
export type CliStoreKind = (typeof CLI_STORES)[number];

/** Places to keep runs, for one suite and one store kind; `dispose` drops the databases. */
export class CliStores {
  private readonly databases = new Map<string, string>();
  private readonly opened: RunStore[] = [];

  constructor(
    readonly kind: CliStoreKind,
    private readonly root: string,
  ) {}

  /** The arguments that select place `name` (a state directory, relative to the command's cwd or absolute). */
  async args(name: string): Promise<string[]> {
    if (this.kind === "file") return ["--state-dir", name];
    return ["--store", await this.url(name), "--state-dir", name];
  }

  private async url(name: string): Promise<string> {
    const server = await testPostgres();
    let db = this.databases.get(name);
    if (!db) {
      db = await server.createDatabase();
      this.databases.set(name, db);
    }
    return server.url(db);
  }

  /** The store behind place `name` (its state directory resolved against `cwd`). */
  async store(name: string, cwd = this.root): Promise<RunStore> {
    const stateDir = isAbsolute(name) ? name : join(cwd, name);
    const store =
      this.kind === "file"
        ? new FileRunStore(stateDir)
        : new PgRunStore(await this.url(name), { stateDir, migrateOnUse: true });
    this.opened.push(store);
    return store;
  }

  /** The run ids kept in place `name`, oldest first. */
  async runs(name: string, cwd = this.root): Promise<string[]> {
    return (await this.store(name, cwd)).list();
  }

  /** The newest run's journal in place `name`. */
  async newest(name: string, cwd = this.root): Promise<{ runId: string; read: JournalRead }> {
    const store = await this.store(name, cwd);
    const runId = (await store.list()).at(-1);
    if (!runId) throw new Error(`no run in ${name}`);
    return { runId, read: await store.read(runId) };
  }

  /** Edit the newest run's stored journal behind rbx's back: `from` becomes `to` in its text. */
  async tamper(name: string, from: string, to: string, cwd = this.root): Promise<void> {
    const { runId } = await this.newest(name, cwd);
    if (this.kind === "file") {
      const path = join(isAbsolute(name) ? name : join(cwd, name), "runs", `${runId}.jsonl`);
      writeFileSync(path, readFileSync(path, "utf8").replace(from, to));
      return;
    }
    const client = new pg.Client({ connectionString: await this.url(name) });
    await client.connect();
    try {
      await client.query(
        "UPDATE rbx.events SET line = replace(line, $2, $3) WHERE run_id = $1 AND strpos(line, $2) > 0",
        [runId, from, to],
      );
    } finally {
      await client.end();
    }
  }

  async dispose(): Promise<void> {
    for (const s of this.opened.splice(0)) await s.close();
    const server = await testPostgres();
    for (const db of this.databases.values()) await server.dropDatabase(db);
    this.databases.clear();
  }
}
