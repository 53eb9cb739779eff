// The Alexandria orchestrator: ready once the api has applied the schema (it reads, never migrates).
import pg from "pg";
import { runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";
import { probeRoutes, quietProbePaths, schemaApplied } from "./probe-routes.js";

const env = serviceEnv("alexandria", "orchestrator");
const pool = new pg.Pool({ connectionString: env.require("ALEXANDRIA_DSN"), max: 2 });
// A session the database ended (a restore, a failover) is logged, not fatal: the pool opens a new one, as services do.
pool.on("error", (error) => env.log("warn", "database connection lost", { error: error.message }));

await runService(env, {
  quietPaths: quietProbePaths,
  close: () => pool.end(),
  routes: probeRoutes(env, () => schemaApplied(pool)),
});
