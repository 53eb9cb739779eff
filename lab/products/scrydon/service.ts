// A Scrydon service process (api-platform, agentic, analytics, cortex or api-ontology, chosen by the image): health,
// version, its API.
import pg from "pg";
import type { Route } from "../common/http-app.js";
import { readinessRoute, runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";
import { agenticRoutes } from "./agentic-routes.js";
import { startBackfills } from "./backfill.js";
import { serviceDatabase } from "./databases.js";
import { audit, platformRoutes } from "./platform-routes.js";

const service = process.env.SCRYDON_SERVICE ?? "api-platform";
const env = serviceEnv("scrydon", service);
const bootedAt = Date.now();
const pool = new pg.Pool({ connectionString: env.require("DATABASE_URL"), max: 4 });
// A session the database ended (a restore, a failover) is logged, not fatal: the pool opens a new one, as services do.
pool.on("error", (error) => env.log("warn", "database connection lost", { error: error.message }));
// The table whose absence means "migrations never ran" for this service's database.
const marker: Record<string, string> = {
  auth: "audit_events",
  agentic: "workflows",
  analytics: "managed_tables",
  cortex: "models",
  ontology: "ontology_schemas",
};
const db = serviceDatabase[service] ?? "auth";

// On a fresh install the schema arrives after the pod starts (post-install hooks): record the start once it can.
let startRecorded = service !== "api-platform";
let startWarned = false;
async function recordStart(): Promise<void> {
  if (startRecorded) return;
  try {
    await audit(pool, env, "SERVICE_STARTED", "system", { service, version: env.version });
    startRecorded = true;
  } catch (error) {
    if (!startWarned)
      env.log("warn", "start-up audit event not recorded yet", { error: (error as Error).message });
    startWarned = true;
  }
}

const list = (path: string, key: string, table: string): Route => ({
  method: "GET",
  path,
  handle: async () => ({
    status: 200,
    body: { [key]: (await pool.query(`SELECT "id", "name" FROM "${table}" ORDER BY "id"`)).rows },
  }),
});
const routesOf: Record<string, () => Route[]> = {
  "api-platform": () => platformRoutes(pool, env, bootedAt),
  agentic: () => agenticRoutes(pool, env),
  analytics: () => [list("/api/analytics/tables", "tables", "managed_tables")],
  cortex: () => [list("/api/cortex/models", "models", "models")],
  "api-ontology": () => [list("/api/ontology/schemas", "schemas", "ontology_schemas")],
};
const extra: Route[] = (routesOf[service] ?? (() => []))();

await runService(env, {
  prepare: recordStart,
  quietPaths: ["/healthz", "/readyz"],
  close: () => pool.end(),
  routes: [
    { method: "GET", path: "/healthz", handle: () => ({ status: 200, body: { status: "ok" } }) },
    readinessRoute(env, "/readyz", async () => {
      await pool.query(`SELECT 1 FROM "${marker[db]}" LIMIT 0`);
      if (!startRecorded) await recordStart();
      if (service === "api-platform") startBackfills(pool, env);
    }),
    {
      method: "GET",
      path: "/api/version",
      handle: () => ({
        status: 200,
        body: { service, version: env.version, commit: env.commit, major: env.major },
      }),
    },
    ...extra,
  ],
});
