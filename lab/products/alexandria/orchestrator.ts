// The Alexandria orchestrator: ready once the api has applied the schema (it reads, never migrates).
import pg from "pg";
import { runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";
import { probeRoutes, quietProbePaths, schemaApplied } from "./probe-routes.js";

const env = serviceEnv("alexandria", "orchestrator");
const pool = new pg.Pool({ connectionString: env.require("ALEXANDRIA_DSN"), max: 2 });

await runService(env, {
  quietPaths: quietProbePaths,
  close: () => pool.end(),
  routes: probeRoutes(env, () => schemaApplied(pool)),
});
