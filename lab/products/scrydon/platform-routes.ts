// api-platform: licence, audit events (appended on start-up and sign-in), sign-in against the admin secret.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type pg from "pg";
import type { Route } from "../common/http-app.js";
import { atLeast } from "../common/semver.js";
import type { ServiceEnv } from "../common/service-env.js";
import { licenseInfo } from "./license.js";

/** Append one audit event (2.5.0 and later also record the source service). */
export async function audit(
  pool: pg.Pool,
  env: ServiceEnv,
  type: string,
  actor: string,
  detail: object,
): Promise<void> {
  if (atLeast(env.version, "2.5.0")) {
    await pool.query(
      'INSERT INTO "audit_events" ("type", "actor", "detail", "source") VALUES ($1, $2, $3, $4)',
      [type, actor, JSON.stringify(detail), env.service],
    );
  } else {
    await pool.query('INSERT INTO "audit_events" ("type", "actor", "detail") VALUES ($1, $2, $3)', [
      type,
      actor,
      JSON.stringify(detail),
    ]);
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The api-platform routes beyond health and version. */
export function platformRoutes(pool: pg.Pool, env: ServiceEnv, bootedAt: number): Route[] {
  return [
    {
      method: "GET",
      path: "/license",
      handle: () => ({ status: 200, body: licenseInfo(process.env, bootedAt) }),
    },
    {
      method: "GET",
      path: "/api/audit/events",
      async handle(req) {
        const limit = Math.min(Math.max(Number(req.query.get("limit") ?? "50") || 50, 1), 500);
        const rows = await pool.query(
          'SELECT "id", "ts", "type", "actor", "detail" FROM "audit_events" ORDER BY "id" DESC LIMIT $1',
          [limit],
        );
        return { status: 200, body: { events: rows.rows.map((r) => ({ ...r, id: Number(r.id) })) } };
      },
    },
    {
      method: "POST",
      path: "/api/auth/sign-in",
      async handle(req) {
        const expectedEmail = process.env.SCRYDON_ADMIN_EMAIL ?? "admin@scrydon.lab";
        const expectedPassword = process.env.SCRYDON_ADMIN_PASSWORD;
        if (!expectedPassword)
          return { status: 503, body: { error: "sign-in is not configured (no admin secret)" } };
        const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
        const ok =
          body.email === expectedEmail &&
          typeof body.password === "string" &&
          timingSafeEqual(digest(body.password), digest(expectedPassword));
        await audit(pool, env, ok ? "SIGN_IN" : "SIGN_IN_FAILED", String(body.email ?? "unknown"), {});
        if (!ok) return { status: 401, body: { error: "invalid credentials" } };
        return { status: 200, body: { user: expectedEmail, token: randomBytes(16).toString("hex") } };
      },
    },
  ];
}
