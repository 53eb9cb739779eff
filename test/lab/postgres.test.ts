import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../lab/postgres.js";

describe("private PostgreSQL server", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("serves fresh databases on loopback with password auth", async () => {
    const { default: pgLib } = await import("pg");
    const db = await pg.createDatabase();
    const client = new pgLib.Client({ connectionString: pg.url(db) });
    await client.connect();
    try {
      const res = await client.query<{ db: string }>("select current_database() as db");
      expect(res.rows[0]?.db).toBe(db);
    } finally {
      await client.end();
    }
    await pg.dropDatabase(db);
    const wrong = new pgLib.Client({ connectionString: pg.url(db).replace(pg.password, "wrong") });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it("stops by PID and removes its data", async () => {
    const other = await startPostgres();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
