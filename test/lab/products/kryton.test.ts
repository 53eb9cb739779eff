// Kryton's versions against a real PostgreSQL: drizzle ledger, additive and destructive migrations, a broken one.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { testPostgres } from "../../support/postgres.js";
import { runJob, startService } from "./service-process.js";

let server: PostgresServer;

beforeAll(async () => {
  server = await testPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function query<T extends pg.QueryResultRow>(db: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}
const ledger = (db: string) =>
  query<{ id: number; hash: string }>(db, "SELECT id, hash FROM drizzle.__drizzle_migrations ORDER BY id");
const columns = async (db: string) =>
  (
    await query<{ column_name: string }>(
      db,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'",
    )
  ).map((r) => r.column_name);

describe("kryton", () => {
  it("migrates on boot and serves /api/version, /healthz and /readyz", async () => {
    const db = await server.createDatabase();
    const svc = await startService("kryton/server", "4.6.4", { POSTGRES_URL: server.url(db) });
    try {
      expect(await svc.waitFor("/readyz")).toEqual({ ready: true });
      expect(await svc.waitFor("/healthz")).toEqual({ status: "ok" });
      const version = (await svc.waitFor("/api/version")) as {
        version: string;
        commit: string;
        major: number;
      };
      expect(version).toMatchObject({ version: "4.6.4", major: 4 });
      expect(version.commit).toMatch(/^[0-9a-f]{7}$/);
      expect(svc.output()).toContain('"msg":"migrations applied"');
    } finally {
      await svc.stop();
    }
    expect(await ledger(db)).toHaveLength(2);
    expect(await columns(db)).toContain("legacy_title");
  });

  it("4.6.5 adds its migration to the ledger; 4.7.0 drops a column so 4.6.4 no longer becomes ready", async () => {
    const db = await server.createDatabase();
    const env = { POSTGRES_URL: server.url(db) };
    expect((await runJob("kryton/migrate", "4.6.4", env)).code).toBe(0);
    const old = await startService("kryton/server", "4.6.4", env);
    try {
      await old.waitFor("/readyz");
      const created = await fetch(`${old.url}/api/notes`, {
        method: "POST",
        body: JSON.stringify({ title: "kept", body: "b" }),
      });
      expect(created.status).toBe(201);
    } finally {
      await old.stop();
    }
    const mid = await runJob("kryton/migrate", "4.6.5", env);
    expect(mid.code).toBe(0);
    expect(mid.output).toContain("0002_note_pinned");
    expect(await ledger(db)).toHaveLength(3);
    expect(await columns(db)).toContain("pinned");
    const again = await runJob("kryton/migrate", "4.6.5", env);
    expect(again.output).toContain("migrations up to date");

    const next = await startService("kryton/server", "4.7.0", env);
    try {
      await next.waitFor("/readyz");
      expect(await next.waitFor("/api/version")).toMatchObject({ version: "4.7.0" });
      const notes = (await next.waitFor("/api/notes")) as { notes: { title: string }[] };
      expect(notes.notes[0]?.title).toBe("kept");
    } finally {
      await next.stop();
    }
    expect(await ledger(db)).toHaveLength(4);
    expect(await columns(db)).not.toContain("legacy_title");

    const rolledBack = await startService("kryton/server", "4.6.4", env);
    try {
      const body = (await rolledBack.waitFor("/readyz", 503)) as { reason: string };
      expect(body.reason).toContain('column "legacy_title" does not exist');
    } finally {
      await rolledBack.stop();
    }
  });

  it("the broken release fails its migration, exits non-zero and leaves the ledger as it was", async () => {
    const db = await server.createDatabase();
    const env = { POSTGRES_URL: server.url(db) };
    expect((await runJob("kryton/migrate", "4.6.5", env)).code).toBe(0);
    const svc = await startService("kryton/server", "4.6.6-broken-migration", env);
    let code: number | null;
    try {
      code = await svc.exited();
    } finally {
      await svc.stop();
    }
    expect(code).toBe(1);
    expect(svc.output()).toContain('relation \\"public.folders\\" does not exist');
    expect(await ledger(db)).toHaveLength(3);
    expect(await columns(db)).not.toContain("folder_id");
  });
});
