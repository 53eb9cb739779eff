// Alexandria EE against a real PostgreSQL: ApplySchema on start-up, /auth/setup semantics, /license, the broken release.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { testPostgres } from "../../support/postgres.js";
import { query } from "./db-query.js";
import { startService } from "./service-process.js";

let server: PostgresServer;

beforeAll(async () => {
  server = await testPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const applied = async (url: string) =>
  (await query<{ version: number }>(url, "SELECT version FROM schema_migrations ORDER BY version")).map(
    (r) => r.version,
  );

describe("alexandria api", () => {
  it("applies its schema on start-up and answers /auth/setup with 200 only while no admin exists", async () => {
    const db = await server.createDatabase();
    const url = server.url(db);
    const api = await startService("alexandria/api", "v1.2.3", {
      ALEXANDRIA_DSN: url,
      ALEXANDRIA_TIER: "professional",
    });
    try {
      expect(await api.waitFor("/ready")).toEqual({ ready: true });
      expect(await api.waitFor("/auth/setup")).toEqual({ setup_required: true });
      const license = (await api.waitFor("/license")) as Record<string, unknown>;
      expect(license).toMatchObject({ tier: "professional", current_seats: 0 });
      expect(typeof license.expires_at).toBe("string");
      const weak = await fetch(`${api.url}/auth/setup`, {
        method: "POST",
        body: JSON.stringify({ email: "a@b", password: "x" }),
      });
      expect(weak.status).toBe(400);
      const created = await fetch(`${api.url}/auth/setup`, {
        method: "POST",
        body: JSON.stringify({ email: "admin@alexandria.lab", password: "long enough" }),
      });
      expect(created.status).toBe(201);
      expect((await fetch(`${api.url}/auth/setup`)).status).toBe(403);
      const again = await fetch(`${api.url}/auth/setup`, {
        method: "POST",
        body: JSON.stringify({ email: "other@alexandria.lab", password: "long enough" }),
      });
      expect(again.status).toBe(409);
      expect(await api.waitFor("/license")).toMatchObject({ current_seats: 1 });
      expect(await api.waitFor("/version")).toMatchObject({ version: "v1.2.3" });
    } finally {
      await api.stop();
    }
    expect(await applied(url)).toEqual([1, 2]);
    const stored = await query<{ password_hash: string }>(url, "SELECT password_hash FROM admins");
    expect(stored[0]?.password_hash).toMatch(/^scrypt:/);
  });

  it("v1.3.0 applies its new migrations; the broken release fails at migration 5 and exits", async () => {
    const db = await server.createDatabase();
    const url = server.url(db);
    const old = await startService("alexandria/api", "v1.2.3", { ALEXANDRIA_DSN: url });
    await old.waitFor("/ready").finally(() => old.stop());
    const next = await startService("alexandria/api", "v1.3.0", { ALEXANDRIA_DSN: url });
    try {
      await next.waitFor("/ready");
      expect(await next.waitFor("/version")).toMatchObject({ version: "v1.3.0" });
    } finally {
      await next.stop();
    }
    expect(await applied(url)).toEqual([1, 2, 3, 4]);
    const broken = await startService("alexandria/api", "v1.3.1-broken-migration", { ALEXANDRIA_DSN: url });
    const code = await broken.exited().finally(() => broken.stop());
    expect(code).toBe(1);
    expect(broken.output()).toContain("migration 5 (api_tokens_admin_fk) failed");
    expect(await applied(url)).toEqual([1, 2, 3, 4]);
  });

  it("orchestrator and dashboard report their pinned version and readiness", async () => {
    const db = await server.createDatabase();
    const url = server.url(db);
    const orchestrator = await startService("alexandria/orchestrator", "v1.2.3", { ALEXANDRIA_DSN: url });
    const dashboard = await startService("alexandria/dashboard", "v1.2.3", {});
    try {
      await orchestrator.waitFor("/ready", 503);
      const api = await startService("alexandria/api", "v1.2.3", { ALEXANDRIA_DSN: url });
      await api.waitFor("/ready").finally(() => api.stop());
      await orchestrator.waitFor("/ready");
      expect(await dashboard.waitFor("/ready")).toEqual({ ready: true });
      expect(await dashboard.waitFor("/version")).toMatchObject({ version: "v1.2.3" });
    } finally {
      await orchestrator.stop();
      await dashboard.stop();
    }
  });
});
