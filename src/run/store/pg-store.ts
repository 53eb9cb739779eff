// The PostgreSQL RunStore: journal rows with `(run, seq)` unique, lock rows with leases and fencing tokens,
// LISTEN/NOTIFY "run X has new events". Durable means committed; every SQL value is a bound parameter.
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Client, Pool, PoolClient } from "pg";
import type { EventBody, LockHolder, LockKey, RunEvent } from "../model/events.js";
import {
  chainEvent,
  crashHooks,
  GENESIS,
  type JournalRead,
  lineHash,
  verifyJournal,
} from "./journal-file.js";
import { leaseHolderAlive } from "./liveness.js";
import { EVENTS_CHANNEL, LATEST_VERSION, migrate, schemaVersion } from "./pg-schema.js";
import {
  type Fence,
  type LockConflict,
  type LockOutcome,
  type LockRequest,
  type RunJournal,
  type RunStore,
  StoreFencedError,
  StoreUnavailableError,
} from "./run-store.js";
import { safeLocation, secretsOf } from "./store-url.js";

/** The default lease of a lock: a running holder renews it every third of it. */
export const DEFAULT_LEASE_MS = 30_000;

interface PgError {
  code?: string;
  message?: string;
}

/** Error codes that mean "the store is not reachable now" (server down, starting, shutting down, network). */
const UNREACHABLE = /^(08|57P0[1-3]|53300)/;

/** Options of a PostgreSQL store. */
export interface PgStoreOptions {
  /** Where work directories live on this machine (the state directory). */
  stateDir: string;
  /** Lock lease in ms (default 30 s). */
  leaseMs?: number;
  /** Apply missing migrations on first use (default true); `rbx store status` looks without changing. */
  migrateOnUse?: boolean;
}

/** A run store in a PostgreSQL database (schema `rbx`). */
export class PgRunStore implements RunStore {
  readonly location: string;
  readonly leaseMs: number;
  private pool: Pool | undefined;
  private ready: Promise<void> | undefined;
  private sessionRole: Promise<string> | undefined;
  private writing: Promise<PoolClient> | undefined;
  private readonly secrets: string[];

  constructor(
    private readonly url: string,
    private readonly options: PgStoreOptions,
  ) {
    this.location = safeLocation(url);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.secrets = secretsOf(url);
  }

  /** A message with the URL's secrets masked. */
  private mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("***");
    return out;
  }

  /** The error people see for a failed store operation: unreachable, refused, fenced — never a stack trace. */
  private failure(err: unknown, what: string): Error {
    if (err instanceof StoreFencedError || err instanceof StoreUnavailableError) return err;
    const e = err as PgError & { errno?: string };
    const message = this.mask(e.message ?? String(err));
    if (e.code === "RBXFN" || e.code === "23505") {
      return new StoreFencedError(
        `${what}: ${e.code === "23505" ? "another writer appended first" : message}`,
      );
    }
    if (e.code === "42501") return new StoreUnavailableError(`${what}: ${message} (a missing grant)`);
    const unreachable =
      (e.code !== undefined && UNREACHABLE.test(e.code)) ||
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|terminat|timeout|not queryable|connection error/i.test(
        `${e.code ?? ""} ${e.message ?? ""}`,
      );
    if (unreachable) {
      return new StoreUnavailableError(
        `${what}: cannot reach the run store at ${this.location} (${message})`,
      );
    }
    return new StoreUnavailableError(`${what}: the run store at ${this.location} answered: ${message}`);
  }

  private async getPool(): Promise<Pool> {
    if (this.pool) return this.pool;
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: this.url,
      max: 4,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 10_000,
      application_name: "rbx",
      // Durable means committed: whatever the server's default, this session waits for the WAL flush.
      options: "-c synchronous_commit=on -c statement_timeout=15000",
    });
    // An idle client's failure (the server went away) must not crash the process; the next query reports it.
    pool.on("error", () => {});
    this.pool = pool;
    return pool;
  }

  /** Run `use` on a pooled client once the schema is current; failures become store errors naming `what`. */
  private async withClient<T>(what: string, use: (c: PoolClient) => Promise<T>): Promise<T> {
    try {
      await this.ensureSchema();
      const pool = await this.getPool();
      const client = await pool.connect();
      try {
        return await use(client);
      } finally {
        client.release();
      }
    } catch (err) {
      throw this.failure(err, what);
    }
  }

  private ensureSchema(): Promise<void> {
    if (!this.ready) {
      this.ready = this.checkSchema().catch((err) => {
        this.ready = undefined;
        throw err;
      });
    }
    return this.ready;
  }

  private async checkSchema(): Promise<void> {
    const pool = await this.getPool();
    const client = await pool.connect();
    try {
      let version = await schemaVersion(client);
      if (version < LATEST_VERSION && this.options.migrateOnUse !== false) {
        try {
          const r = await migrate(client);
          version = Math.max(r.from, ...r.applied.map((m) => m.version));
        } catch (err) {
          const e = err as PgError;
          if (e.code === "42501") {
            throw new StoreUnavailableError(
              `the run store at ${this.location} is at schema version ${version} and needs ${LATEST_VERSION}, ` +
                `but ${await this.roleOf(client)} may not change it: its owner must run \`rbx store migrate\``,
            );
          }
          throw err;
        }
      }
      if (version > LATEST_VERSION) {
        throw new StoreUnavailableError(
          `the run store at ${this.location} is at schema version ${version}, newer than this rbx knows ` +
            `(${LATEST_VERSION}): upgrade rbx`,
        );
      }
      if (version < LATEST_VERSION) {
        throw new StoreUnavailableError(
          `the run store at ${this.location} is at schema version ${version}; run \`rbx store migrate\``,
        );
      }
    } finally {
      client.release();
    }
  }

  private async roleOf(client: PoolClient): Promise<string> {
    const r = await client.query<{ u: string }>("SELECT session_user AS u");
    return r.rows[0]?.u ?? "this role";
  }

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
   * The connection appends go through, held for the store's life (an append per step: no pool checkout on the
   * way); a connection that failed is dropped and the next append opens another.
   */
  private writer(): Promise<PoolClient> {
    if (!this.writing) {
      const opening = (async () => {
        const client = await (await this.getPool()).connect();
        let dropped = false;
        const drop = () => {
          if (this.writing === opening) this.writing = undefined;
          // A failing connection may report more than one error; it goes back to the pool (destroyed) once.
          if (dropped) return;
          dropped = true;
          try {
            client.release(true);
          } catch {
            // released already (the store closed): the pool has it; nothing to give back
          }
        };
        client.on("error", drop);
        client.on("end", () => {
          if (this.writing === opening) this.writing = undefined;
        });
        return client;
      })();
      opening.catch(() => {
        if (this.writing === opening) this.writing = undefined;
      });
      this.writing = opening;
    }
    return this.writing;
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

  async lock(keys: readonly LockKey[], holder: LockRequest, force: boolean): Promise<LockOutcome> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
    return this.withClient(`locking the targets of run ${holder.runId}`, async (c) => {
      await c.query("BEGIN");
      try {
        // Serialize takers of the same keys (also of keys no row exists for yet), in one order: no deadlock.
        await c.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('rbx.lock:' || k, 0)) FROM unnest($1::text[]) AS k",
          [sorted.map((k) => k.key)],
        );
        const current = await c.query<LockRow>(
          `SELECT key, label, run_id, token, holder, expires_at, left_at, expires_at > now() AS live
             FROM rbx.locks WHERE key = ANY($1) FOR UPDATE`,
          [sorted.map((k) => k.key)],
        );
        const byKey = new Map(current.rows.map((r) => [r.key, r]));
        const forced: LockHolder[] = [];
        const reclaimed: LockHolder[] = [];
        const conflicts: LockConflict[] = [];
        for (const k of sorted) {
          const row = byKey.get(k.key);
          if (!row) continue;
          const previous = holderOf(row);
          const alive = rowAlive(row);
          const ownGone = row.run_id === holder.runId && (!alive || isThisProcess(previous));
          if (ownGone) reclaimed.push(previous);
          else if (force) forced.push(previous);
          else conflicts.push({ holder: previous, alive });
        }
        if (conflicts.length > 0) {
          await c.query("ROLLBACK");
          return { ok: false as const, conflicts };
        }
        const t = await c.query<{ token: string }>("SELECT nextval('rbx.fencing_tokens') AS token");
        const token = Number(t.rows[0]?.token);
        const record = {
          runId: holder.runId,
          pid: holder.pid,
          host: holder.host,
          startedAt: holder.startedAt,
          ...(holder.user ? { user: holder.user } : {}),
          ...(holder.role ? { role: holder.role } : {}),
        };
        await c.query(
          `INSERT INTO rbx.locks (key, label, run_id, token, holder, expires_at, renewed_at, left_at)
             SELECT k, l, $3, $4, $5, now() + make_interval(secs => $6::double precision / 1000), now(), NULL
               FROM unnest($1::text[], $2::text[]) AS t(k, l)
           ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, run_id = EXCLUDED.run_id,
             token = EXCLUDED.token, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
             renewed_at = EXCLUDED.renewed_at, left_at = NULL`,
          [sorted.map((k) => k.key), sorted.map((k) => k.label), holder.runId, token, record, this.leaseMs],
        );
        await c.query("COMMIT");
        return { ok: true as const, token, forced, reclaimed };
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async renew(runId: string, keys: readonly LockKey[], token: number): Promise<"renewed" | "lost"> {
    return this.withClient(`renewing the lease of run ${runId}`, async (c) => {
      const r = await c.query(
        `UPDATE rbx.locks SET expires_at = now() + make_interval(secs => $4::double precision / 1000),
            renewed_at = now()
          WHERE key = ANY($1) AND run_id = $2 AND token = $3 AND left_at IS NULL`,
        [keys.map((k) => k.key), runId, token, this.leaseMs],
      );
      return r.rowCount === keys.length ? "renewed" : "lost";
    });
  }

  async holds(runId: string, keys: readonly LockKey[], token: number): Promise<boolean> {
    return this.withClient(`checking the locks of run ${runId}`, async (c) => {
      const r = await c.query<{ n: string }>(
        "SELECT count(*) AS n FROM rbx.locks WHERE key = ANY($1) AND run_id = $2 AND token = $3",
        [keys.map((k) => k.key), runId, token],
      );
      return Number(r.rows[0]?.n ?? 0) === keys.length;
    });
  }

  async leave(runId: string, keys: readonly LockKey[], token: number): Promise<void> {
    await this.withClient(`letting go of run ${runId}`, (c) =>
      c.query(
        "UPDATE rbx.locks SET left_at = now(), expires_at = now() WHERE key = ANY($1) AND run_id = $2 AND token = $3",
        [keys.map((k) => k.key), runId, token],
      ),
    );
  }

  async unlock(runId: string, keys: readonly LockKey[]): Promise<void> {
    await this.withClient(`releasing the locks of run ${runId}`, (c) =>
      c.query("DELETE FROM rbx.locks WHERE key = ANY($1) AND run_id = $2", [keys.map((k) => k.key), runId]),
    );
  }

  async holders(keys: readonly LockKey[]): Promise<LockConflict[]> {
    return this.withClient("reading lock holders", async (c) => {
      const r = await c.query<LockRow>(
        `SELECT key, label, run_id, token, holder, expires_at, left_at, expires_at > now() AS live
           FROM rbx.locks WHERE key = ANY($1) ORDER BY key`,
        [keys.map((k) => k.key)],
      );
      return r.rows.map((row) => ({ holder: holderOf(row), alive: rowAlive(row) }));
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

  async close(): Promise<void> {
    const pool = this.pool;
    const writing = this.writing;
    this.pool = undefined;
    this.ready = undefined;
    this.writing = undefined;
    if (writing) (await writing.catch(() => undefined))?.release();
    await pool?.end().catch(() => {});
  }
}

/** A lock row as read. */
interface LockRow {
  key: string;
  label: string;
  run_id: string;
  token: string;
  holder: { runId: string; pid: number; host: string; startedAt: string; user?: string; role?: string };
  expires_at: Date;
  left_at: Date | null;
  live: boolean;
}

function holderOf(row: LockRow): LockHolder {
  const h = row.holder;
  // The file store's order of fields (jsonb does not keep it), so journals read the same from either store.
  return {
    runId: row.run_id,
    pid: h.pid,
    host: h.host,
    startedAt: h.startedAt,
    ...(h.user ? { user: h.user } : {}),
    ...(h.role ? { role: h.role } : {}),
    key: row.key,
    label: row.label,
    token: Number(row.token),
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * Whether a lock's holder still runs: its lease is live and it has not let go — except that a holder on this
 * very host whose process is gone is known dead at once (its lease need not run out first).
 */
function rowAlive(row: LockRow): boolean {
  return leaseHolderAlive({ ...row.holder, live: row.live, left: row.left_at !== null });
}

function isThisProcess(h: LockHolder): boolean {
  return h.pid === process.pid && h.host === hostname();
}

function checkRunId(runId: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`invalid run id "${runId}"`);
}

/**
 * One run's journal in the store: `append` chains events in memory, `flush` writes the batch in one committed
 * call. A rejected flush (fenced, unreachable) leaves the batch unwritten and the journal closed to appends.
 */
class PgJournal implements RunJournal {
  private pending: { event: RunEvent; type: string; line: string; hash: string }[] = [];
  private last: { seq: number; hash: string };
  private broken: Error | undefined;
  private closed = false;
  private readonly hooks = crashHooks(process.env);

  constructor(
    private readonly store: PgRunStore,
    private readonly runId: string,
    start: { seq: number; hash: string },
    private readonly fence: Fence | undefined,
  ) {
    this.last = start;
  }

  append(body: EventBody, at?: Date): RunEvent {
    if (this.closed) throw new Error("journal is closed");
    const { event, line, hash } = chainEvent(this.last, body, at);
    this.last = { seq: event.seq, hash };
    this.pending.push({ event, type: event.type, line, hash });
    return event;
  }

  async flush(): Promise<void> {
    if (this.broken) throw this.broken;
    if (this.pending.length === 0) return;
    let batch = this.pending;
    const { after } = this.hooks;
    const crash = after !== undefined && batch.some((b) => b.event.seq === after);
    if (crash) batch = batch.filter((b) => b.event.seq <= (after as number));
    try {
      await this.store.appendBatch(this.runId, batch[0]?.event.seq as number, batch, this.fence);
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
    if (crash) process.kill(process.pid, "SIGKILL");
    this.pending = [];
  }

  unwritten(): readonly RunEvent[] {
    return this.pending.map((p) => p.event);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.broken) await this.flush();
    } finally {
      this.closed = true;
    }
  }
}
