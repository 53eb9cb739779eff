// The fleet store's connection: one pool, and the query and transaction helpers that mask the URL's secrets
// and turn every failure into a FleetStoreError people can read.
import type { Pool, PoolClient } from "pg";
import { safeLocation, secretsOf } from "../run/store/store-url.js";
import { FleetFencedError, FleetStoreError } from "./fleet-types.js";

/** The connection to the fleet tables: a pool, and queries whose failures become FleetStoreErrors. */
export class FleetDb {
  readonly location: string;
  private pool: Pool | undefined;
  private readonly secrets: string[];

  constructor(private readonly url: string) {
    this.location = safeLocation(url);
    this.secrets = secretsOf(url);
  }

  private async getPool(): Promise<Pool> {
    if (this.pool) return this.pool;
    const { default: pg } = await import("pg");
    this.pool = new pg.Pool({
      connectionString: this.url,
      max: 6,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: "rbx-fleet",
      options: "-c synchronous_commit=on -c statement_timeout=30000",
    });
    this.pool.on("error", () => {});
    return this.pool;
  }

  /** One statement; `name` prepares it once per connection (for the statements a controller repeats per target). */
  protected async q<R extends object>(
    what: string,
    sql: string,
    values: unknown[] = [],
    name?: string,
  ): Promise<R[]> {
    try {
      const pool = await this.getPool();
      return (await pool.query<R>(name ? { name, text: sql, values } : { text: sql, values })).rows;
    } catch (err) {
      let message = (err as Error).message;
      for (const s of this.secrets) message = message.split(s).join("***");
      throw new FleetStoreError(`${what}: the run store at ${this.location} answered: ${message}`);
    }
  }

  protected async tx<T>(what: string, use: (c: PoolClient) => Promise<T>): Promise<T> {
    const pool = await this.getPool().catch((err: Error) => {
      throw new FleetStoreError(`${what}: ${err.message}`);
    });
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw new FleetStoreError(
        `${what}: cannot reach the run store at ${this.location} (${(err as Error).message})`,
      );
    }
    try {
      await client.query("BEGIN");
      const out = await use(client);
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      if (err instanceof FleetFencedError || err instanceof FleetStoreError) throw err;
      let message = (err as Error).message;
      for (const s of this.secrets) message = message.split(s).join("***");
      throw new FleetStoreError(`${what}: the run store at ${this.location} answered: ${message}`);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool?.end().catch(() => {});
    this.pool = undefined;
  }
}
