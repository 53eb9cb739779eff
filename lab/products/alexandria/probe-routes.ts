// The routes every Alexandria component answers alike: /healthz, /ready (per component) and /version.
import type pg from "pg";
import type { Route } from "../common/http-app.js";
import { readinessRoute } from "../common/lifecycle.js";
import type { ServiceEnv } from "../common/service-env.js";

/** Probe paths kept out of the per-request log. */
export const quietProbePaths = ["/ready", "/healthz"];

/** /healthz, /ready (503 while `ready` throws) and /version, in that order. */
export function probeRoutes(env: ServiceEnv, ready: () => Promise<void>): Route[] {
  return [
    { method: "GET", path: "/healthz", handle: () => ({ status: 200, body: "OK" }) },
    readinessRoute(env, "/ready", ready),
    {
      method: "GET",
      path: "/version",
      handle: () => ({ status: 200, body: { version: env.version, commit: env.commit } }),
    },
  ];
}

/** Ready once the api has applied the schema: its migrations table answers. */
export async function schemaApplied(pool: pg.Pool): Promise<void> {
  await pool.query("SELECT 1 FROM schema_migrations LIMIT 1");
}
