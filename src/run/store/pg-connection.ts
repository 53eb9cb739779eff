// The PostgreSQL store's connections: one pool, the schema checked (and migrated) before first use, the one
// connection appends go through, and every failure turned into a store error people can read.
import type { Pool, PoolClient } from "pg";
import { LATEST_VERSION, migrate, schemaVersion } from "./pg-schema.js";
import { StoreFencedError, StoreUnavailableError } from "./run-store.js";
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

/** The store's connections: the pool, the schema check before first use, the append connection, failures as store errors. */
export class PgConnection {
  readonly location: string;
  readonly leaseMs: number;
  private pool: Pool | undefined;
  private ready: Promise<void> | undefined;
  private writing: Promise<PoolClient> | undefined;
  private readonly secrets: string[];

  constructor(
    protected readonly url: string,
    protected readonly options: PgStoreOptions,
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
  protected failure(err: unknown, what: string): Error {
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

  protected async getPool(): Promise<Pool> {
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
  protected async withClient<T>(what: string, use: (c: PoolClient) => Promise<T>): Promise<T> {
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

  protected ensureSchema(): Promise<void> {
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

  protected async roleOf(client: PoolClient): Promise<string> {
    const r = await client.query<{ u: string }>("SELECT session_user AS u");
    return r.rows[0]?.u ?? "this role";
  }

  /**
   * The connection appends go through, held for the store's life (an append per step: no pool checkout on the
   * way); a connection that failed is dropped and the next append opens another.
   */
  protected writer(): Promise<PoolClient> {
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
