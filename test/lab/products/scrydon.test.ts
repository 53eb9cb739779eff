// Scrydon's hook Jobs and services against a real PostgreSQL: per-database ledgers, desync repair, surfaces.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../../lab/postgres.js";
import { testPostgres } from "../../support/postgres.js";
import { ledgerSize, query, relationExists } from "./db-query.js";
import { runJob, startService } from "./service-process.js";

let server: PostgresServer;

beforeAll(async () => {
  server = await testPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** Fresh database names for one test (created by the ensure-databases job, not by the test). */
function names(): { auth: string; agentic: string; analytics: string } {
  const tag = Math.random().toString(36).slice(2, 8);
  return { auth: `auth_${tag}`, agentic: `agentic_${tag}`, analytics: `analytics_${tag}` };
}

async function install(version: string, dbs: ReturnType<typeof names>): Promise<void> {
  const ensure = await runJob("scrydon/ensure-databases", version, {
    POSTGRES_ADMIN_URL: server.url(),
    AUTH_DATABASE_URL: server.url(dbs.auth),
    AGENTIC_DATABASE_URL: server.url(dbs.agentic),
    ANALYTICS_DATABASE_URL: server.url(dbs.analytics),
  });
  expect(ensure.code, ensure.output).toBe(0);
  for (const db of ["auth", "agentic", "analytics"] as const) {
    const job = await runJob("scrydon/migrate", version, {
      MIGRATION_DATABASE: db,
      DATABASE_URL: server.url(dbs[db]),
    });
    expect(job.code, job.output).toBe(0);
  }
}

describe("scrydon migration jobs", () => {
  it("create the per-service databases and advance each drizzle ledger from 2.4.0 to 2.5.0", async () => {
    const dbs = names();
    await install("2.4.0", dbs);
    expect(await ledgerSize(server.url(dbs.auth))).toBe(1);
    expect(await ledgerSize(server.url(dbs.analytics))).toBe(1);
    expect(await relationExists(server.url(dbs.analytics), "profiles")).toBe(false);
    await install("2.5.0", dbs);
    expect(await ledgerSize(server.url(dbs.auth))).toBe(2);
    expect(await ledgerSize(server.url(dbs.agentic))).toBe(2);
    expect(await relationExists(server.url(dbs.analytics), "profiles")).toBe(true);
    const view = await query<{ version: string }>(
      server.url(dbs.auth),
      "SELECT version, applied_at FROM platform_migrations",
    );
    expect(view).toHaveLength(2);
  });

  it("detect a tracking desync, offer MIGRATE_REPAIR_TRACKING=1, and repair it when asked", async () => {
    const dbs = names();
    await install("2.5.0", dbs);
    const url = server.url(dbs.analytics);
    await query(url, 'DROP TABLE "profiles"; DROP TABLE "policy_bundles"');
    const env = { MIGRATION_DATABASE: "analytics", DATABASE_URL: url };
    const failed = await runJob("scrydon/migrate", "2.5.0", env);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(
      "[migrate-bootstrap] FATAL: the migration tracking table is out of sync with",
    );
    expect(failed.output).toContain(
      "Re-run with MIGRATE_REPAIR_TRACKING=1 to rewind tracking from 0001_profiles_policy_bundles",
    );
    const repaired = await runJob("scrydon/migrate", "2.5.0", { ...env, MIGRATE_REPAIR_TRACKING: "1" });
    expect(repaired.code, repaired.output).toBe(0);
    expect(repaired.output).toContain('"msg":"tracking rewound"');
    expect(await relationExists(url, "profiles")).toBe(true);
    expect(await ledgerSize(url)).toBe(2);
  });

  it("refuse to auto-repair a partial state", async () => {
    const dbs = names();
    await install("2.5.0", dbs);
    const url = server.url(dbs.analytics);
    await query(url, 'DROP TABLE "policy_bundles"');
    const job = await runJob("scrydon/migrate", "2.5.0", {
      MIGRATION_DATABASE: "analytics",
      DATABASE_URL: url,
      MIGRATE_REPAIR_TRACKING: "1",
    });
    expect(job.code).toBe(1);
    expect(job.output).toContain(
      "partial or non-contiguous (0001_profiles_policy_bundles: 1 of 2 objects present)",
    );
    expect(job.output).not.toContain("Re-run with MIGRATE_REPAIR_TRACKING=1");
  });

  it("fail the broken release's agentic migration without touching its ledger", async () => {
    const dbs = names();
    await install("2.5.0", dbs);
    const job = await runJob("scrydon/migrate", "2.5.1-broken-migration", {
      MIGRATION_DATABASE: "agentic",
      DATABASE_URL: server.url(dbs.agentic),
    });
    expect(job.code).toBe(1);
    expect(job.output).toContain('relation \\"public.automations\\" does not exist');
    expect(await ledgerSize(server.url(dbs.agentic))).toBe(2);
  });
});

describe("scrydon services", () => {
  it("serve licence, audit events, sign-in and a deterministic known-good workflow", async () => {
    const dbs = names();
    await install("2.5.0", dbs);
    const platform = await startService("scrydon/service", "2.5.0", {
      SCRYDON_SERVICE: "api-platform",
      DATABASE_URL: server.url(dbs.auth),
      SCRYDON_LICENSE_DAYS: "30",
      SCRYDON_ADMIN_PASSWORD: "correct horse",
    });
    const agentic = await startService("scrydon/service", "2.5.0", {
      SCRYDON_SERVICE: "agentic",
      DATABASE_URL: server.url(dbs.agentic),
    });
    try {
      await platform.waitFor("/readyz");
      expect(await platform.waitFor("/api/version")).toMatchObject({
        service: "api-platform",
        version: "2.5.0",
        major: 2,
      });
      const license = (await platform.waitFor("/license")) as { days_remaining: number; expires_at: string };
      expect(license.days_remaining).toBeGreaterThanOrEqual(29);
      expect(license.days_remaining).toBeLessThan(31);
      const bad = await fetch(`${platform.url}/api/auth/sign-in`, {
        method: "POST",
        body: JSON.stringify({ email: "admin@scrydon.lab", password: "wrong" }),
      });
      expect(bad.status).toBe(401);
      const good = await fetch(`${platform.url}/api/auth/sign-in`, {
        method: "POST",
        body: JSON.stringify({ email: "admin@scrydon.lab", password: "correct horse" }),
      });
      expect(good.status).toBe(200);
      const events = (await platform.waitFor("/api/audit/events")) as { events: { type: string }[] };
      // 2.5.0 also starts its background backfill (001), whose events arrive on their own clock.
      const backfill = (t: string) => t.startsWith("MIGRATION_BACKFILL_");
      expect(events.events.map((e) => e.type).filter((t) => !backfill(t))).toEqual([
        "SIGN_IN",
        "SIGN_IN_FAILED",
        "SERVICE_STARTED",
      ]);
      // The backfill reports its progress in the audit log and ends COMPLETED (in about 3 s).
      let backfillEvents: string[] = [];
      for (let i = 0; i < 100 && !backfillEvents.includes("MIGRATION_BACKFILL_COMPLETED"); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 200));
        const now = (await platform.waitFor("/api/audit/events")) as { events: { type: string }[] };
        backfillEvents = now.events.map((e) => e.type).filter(backfill);
      }
      expect([...backfillEvents].reverse()).toEqual([
        "MIGRATION_BACKFILL_STARTED",
        "MIGRATION_BACKFILL_PROGRESS",
        "MIGRATION_BACKFILL_COMPLETED",
      ]);
      expect(platform.output()).not.toContain("correct horse");

      await agentic.waitFor("/readyz");
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${agentic.url}/api/workflows/known-good/run`, { method: "POST" });
        expect(res.status).toBe(200);
        runs.push((await res.json()) as { output: string; status: string });
      }
      expect(runs[0]?.status).toBe("succeeded");
      expect(runs[0]?.output).toMatch(/^NODYRCS:[0-9a-f]{12}$/);
      expect(runs[1]?.output).toBe(runs[0]?.output);
      expect((await fetch(`${agentic.url}/api/workflows/nope/run`, { method: "POST" })).status).toBe(404);
    } finally {
      await platform.stop();
      await agentic.stop();
    }
  });

  it("stay unready while their database has no schema (migrations never ran)", async () => {
    const db = await server.createDatabase();
    const svc = await startService("scrydon/service", "2.4.0", {
      SCRYDON_SERVICE: "analytics",
      DATABASE_URL: server.url(db),
    });
    try {
      const body = (await svc.waitFor("/readyz", 503)) as { reason: string };
      expect(body.reason).toContain('relation "managed_tables" does not exist');
    } finally {
      await svc.stop();
    }
  });
});
