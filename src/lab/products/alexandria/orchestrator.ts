// The Alexandria orchestrator: ready once the api has applied the schema (it reads, never migrates).
import pg from "pg";
import { readinessRoute, runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";

const env = serviceEnv("alexandria", "orchestrator");
const pool = new pg.Pool({ connectionString: env.require("ALEXANDRIA_DSN"), max: 2 });

await runService(env, {
  quietPaths: ["/ready", "/healthz"],
  close: () => pool.end(),
  routes: [
    { method: "GET", path: "/healthz", handle: () => ({ status: 200, body: "OK" }) },
    readinessRoute(env, "/ready", async () => {
      await pool.query("SELECT 1 FROM schema_migrations LIMIT 1");
    }),
    {
      method: "GET",
      path: "/version",
      handle: () => ({ status: 200, body: { version: env.version, commit: env.commit } }),
    },
  ],
});
