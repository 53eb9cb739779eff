// The PostgreSQL RunStore: journal rows with `(run, seq)` unique, lock rows with leases and fencing tokens,
// LISTEN/NOTIFY "run X has new events". Durable means committed; every SQL value is a bound parameter.
// This file holds the runs' journals, runbooks and change notices; locks and connections sit beside it.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "pg";
import type { LockHolder, RunEvent } from "../model/events.js";
import { GENESIS, type JournalRead, lineHash, parseEventLine, verifyJournal } from "./journal-file.js";
import { PgJournal } from "./pg-journal.js";
import { PgLocks } from "./pg-locks.js";
import { EVENTS_CHANNEL, LATEST_VERSION, migrate, schemaVersion } from "./pg-schema.js";
import { checkRunId } from "./run-ids.js";
import { type Fence, type RunJournal, type RunStore, StoreUnavailableError } from "./run-store.js";

export { DEFAULT_LEASE_MS, type PgStoreOptions } from "./pg-connection.js";

/** A run store in a PostgreSQL database (schema `rbx`). */
export class PgRunStore extends PgLocks implements RunStore {
  private sessionRole: Promise<string> | undefined;

  /** Apply missing migrations now (`rbx store migrate`). */
  async migrate(): Promise<{ from: number; to: number; applied: { version: number; summary: string }[] }> {
    try {
      const pool = await this.getPool();
      const client = await pool.connect();
      try {
        const r = await migrate(client);
        const to = Math.max(r.from, ...r.applied.map((m) => m.version));
        return {
          from: r.from,
          to,
          applied: r.applied.map((m) => ({ version: m.version, summary: m.summary })),
        };
      } finally {
        client.release();
      }
    } catch (err) {
      throw this.failure(err, "migrating the store");
    }
  }

  /** Where the store is and its schema version, without changing it (`rbx store status`). */
  async status(): Promise<{
    location: string;
    server: string;
    role: string;
    version: number;
    latest: number;
    runs: number;
    locks: number;
  }> {
    try {
      const pool = await this.getPool();
      const client = await pool.connect();
      try {
        const version = await schemaVersion(client);
        const info = await client.query<{ server: string; role: string }>(
          "SELECT current_setting('server_version') AS server, session_user AS role",
        );
        let runs = 0;
        let locks = 0;
        if (version > 0) {
          const c = await client.query<{ runs: string; locks: string }>(
            "SELECT (SELECT count(*) FROM rbx.runs) AS runs, (SELECT count(*) FROM rbx.locks) AS locks",
          );
          runs = Number(c.rows[0]?.runs ?? 0);
          locks = Number(c.rows[0]?.locks ?? 0);
        }
        return {
          location: this.location,
          server: info.rows[0]?.server ?? "?",
          role: info.rows[0]?.role ?? "?",
          version,
          latest: LATEST_VERSION,
          runs,
          locks,
        };
      } finally {
        client.release();
      }
    } catch (err) {
      throw this.failure(err, "reading the store's status");
    }
  }

  role(): Promise<string> {
    if (!this.sessionRole) {
      this.sessionRole = this.withClient("reading the session role", (c) => this.roleOf(c)).catch((err) => {
        this.sessionRole = undefined;
        throw err;
      });
    }
    return this.sessionRole;
  }

  async create(runId: string, fence?: Fence): Promise<RunJournal> {
    checkRunId(runId);
    await this.withClient(`creating run ${runId}`, async (c) => {
      const r = await c.query("INSERT INTO rbx.runs (run_id) VALUES ($1) ON CONFLICT DO NOTHING", [runId]);
      if (r.rowCount !== 1)
        throw new StoreUnavailableError(`run ${runId} already exists in ${this.location}`);
    });
    return new PgJournal(this, runId, { seq: 0, hash: GENESIS }, fence);
  }

  async read(runId: string): Promise<JournalRead> {
    checkRunId(runId);
    return this.withClient(`reading run ${runId}`, async (c) => {
      const head = await c.query<{ head_seq: number; head_hash: string }>(
        "SELECT head_seq, head_hash FROM rbx.runs WHERE run_id = $1",
        [runId],
      );
      const row = head.rows[0];
      if (!row) throw new StoreUnavailableError(`no run "${runId}" in ${this.location}`);
      const lines = await c.query<{ line: string }>(
        "SELECT line FROM rbx.events WHERE run_id = $1 ORDER BY seq",
        [runId],
      );
      const text = lines.rows.map((r) => `${r.line}\n`).join("");
      return verifyJournal(text, { seq: row.head_seq, hash: row.head_hash });
    });
  }

  async firstEvent(runId: string): Promise<RunEvent | undefined> {
    checkRunId(runId);
    return this.withClient(`reading run ${runId}`, async (c) => {
      const first = await c.query<{ line: string }>(
        "SELECT line FROM rbx.events WHERE run_id = $1 AND seq = 1",
        [runId],
      );
      const line = first.rows[0]?.line;
      return line === undefined ? undefined : parseEventLine(line);
    });
  }

  async readSince(runId: string, after: { seq: number; hash: string }): Promise<JournalRead> {
    return this.withClient(`reading run ${runId}`, async (c) => {
      const lines = await c.query<{ line: string }>(
        "SELECT line FROM rbx.events WHERE run_id = $1 AND seq > $2 ORDER BY seq",
        [runId, after.seq],
      );
      return verifyJournal(lines.rows.map((r) => `${r.line}\n`).join(""), undefined, after);
    });
  }

  async reopen(runId: string, read: JournalRead, fence?: Fence): Promise<RunJournal> {
    checkRunId(runId);
    return new PgJournal(this, runId, { seq: read.events.length, hash: read.lastHash }, fence);
  }

  async has(runId: string): Promise<boolean> {
    return this.withClient(`looking run ${runId} up`, async (c) => {
      const r = await c.query("SELECT 1 FROM rbx.runs WHERE run_id = $1", [runId]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async list(): Promise<string[]> {
    return this.withClient("listing runs", async (c) => {
      const r = await c.query<{ run_id: string }>("SELECT run_id FROM rbx.runs ORDER BY run_id");
      return r.rows.map((x) => x.run_id);
    });
  }

  /** Append a batch in one round trip (`rbx.append_events`): fenced, durable once it returns. */
  async appendBatch(
    runId: string,
    first: number,
    batch: { type: string; line: string; hash: string }[],
    fence: Fence | undefined,
  ): Promise<void> {
    const what = `recording events of run ${runId}`;
    try {
      await this.ensureSchema();
      const writer = await this.writer();
      await writer.query("SELECT rbx.append_events($1, $2, $3, $4, $5, $6, $7)", [
        runId,
        fence ? [...fence.keys] : [],
        fence ? fence.token : null,
        first,
        batch.map((b) => b.type),
        batch.map((b) => b.line),
        batch.map((b) => b.hash),
      ]);
    } catch (err) {
      throw this.failure(err, what);
    }
  }

  /**
   * Bring in a journal verified elsewhere (`rbx store import`): its exact lines (so the hash chain holds), its
   * runbook, and the locks it still holds — kept for it as by a run that let go (halted or interrupted).
   * "exists" when the run id is in the store already; nothing is written then.
   */
  async importRun(
    runId: string,
    lines: readonly string[],
    document: string | undefined,
    locks: readonly LockHolder[],
  ): Promise<"imported" | "exists"> {
    checkRunId(runId);
    return this.withClient(`importing run ${runId}`, async (c) => {
      await c.query("BEGIN");
      try {
        const created = await c.query("INSERT INTO rbx.runs (run_id) VALUES ($1) ON CONFLICT DO NOTHING", [
          runId,
        ]);
        if (created.rowCount !== 1) {
          await c.query("ROLLBACK");
          return "exists" as const;
        }
        if (document !== undefined) {
          await c.query("INSERT INTO rbx.documents (run_id, document) VALUES ($1, $2)", [runId, document]);
        }
        if (lines.length > 0) {
          const parsed = lines.map((line) => JSON.parse(line) as RunEvent);
          await c.query("SELECT rbx.append_events($1, $2, $3, $4, $5, $6, $7)", [
            runId,
            [],
            null,
            1,
            parsed.map((e) => e.type),
            lines,
            lines.map((line) => lineHash(line)),
          ]);
        }
        for (const h of locks) {
          await c.query(
            `INSERT INTO rbx.locks (key, label, run_id, token, holder, expires_at, left_at)
               VALUES ($1, $2, $3, nextval('rbx.fencing_tokens'), $4, now(), now())
             ON CONFLICT (key) DO NOTHING`,
            [
              h.key,
              h.label,
              runId,
              {
                runId,
                pid: h.pid,
                host: h.host,
                startedAt: h.startedAt,
                ...(h.user ? { user: h.user } : {}),
              },
            ],
          );
        }
        await c.query("COMMIT");
        return "imported" as const;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async saveDocument(runId: string, text: string): Promise<void> {
    await this.withClient(`keeping the runbook of run ${runId}`, (c) =>
      c.query(
        `INSERT INTO rbx.documents (run_id, document) VALUES ($1, $2)
         ON CONFLICT (run_id) DO UPDATE SET document = EXCLUDED.document`,
        [runId, text],
      ),
    );
  }

  async document(runId: string): Promise<string | undefined> {
    return this.withClient(`reading the runbook of run ${runId}`, async (c) => {
      const r = await c.query<{ document: string }>("SELECT document FROM rbx.documents WHERE run_id = $1", [
        runId,
      ]);
      return r.rows[0]?.document;
    });
  }

  /** LISTEN on a dedicated connection; notices carry only the run id, the follower then reads the rows. */
  async watch(
    onChange: (runId: string) => void,
    signal: AbortSignal,
    onLost?: (error: Error) => void,
  ): Promise<void> {
    await this.ensureSchema().catch((err) => {
      throw this.failure(err, "following the store");
    });
    const { default: pg } = await import("pg");
    const client: Client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      application_name: "rbx follow",
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      client.end().catch(() => {});
    };
    client.on("notification", (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload) onChange(n.payload);
    });
    client.on("error", (err) => {
      if (ended) return;
      end();
      onLost?.(this.failure(err, "following the store"));
    });
    client.on("end", () => {
      if (!ended) {
        ended = true;
        onLost?.(
          new StoreUnavailableError(
            `following the store: the run store at ${this.location} closed the connection`,
          ),
        );
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (err) {
      end();
      throw this.failure(err, "following the store");
    }
    if (signal.aborted) end();
    else signal.addEventListener("abort", end, { once: true });
  }

  workDir(runId: string): string {
    checkRunId(runId);
    const dir = join(this.options.stateDir, "work", runId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
}
