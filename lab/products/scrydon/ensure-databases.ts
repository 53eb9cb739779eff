// The db-ensure-databases hook (weight 1): create every per-service database that does not exist yet.
import pg from "pg";
import { exitWithParent, serviceEnv } from "../common/service-env.js";
import { scrydonDatabases } from "./databases.js";

const env = serviceEnv("scrydon", "db-ensure-databases");
exitWithParent();
const admin = new pg.Client({ connectionString: env.require("POSTGRES_ADMIN_URL") });
try {
  await admin.connect();
  for (const db of scrydonDatabases) {
    const url = process.env[db.urlEnv];
    if (!url) continue;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
      throw new Error(`database name ${JSON.stringify(name)} is not allowed`);
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if ((found.rowCount ?? 0) > 0) {
      env.log("info", "database present", { database: db.name, datname: name });
    } else {
      await admin.query(`CREATE DATABASE "${name}"`);
      env.log("info", "database created", { database: db.name, datname: name });
    }
  }
  await admin.end();
  process.exit(0);
} catch (error) {
  env.log("error", "ensure-databases failed", {
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
}
