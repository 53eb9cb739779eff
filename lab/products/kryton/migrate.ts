// `node scripts/migrate-prod.mjs` as a one-shot process: migrate, then exit 0 or 1.
import { exitWithParent, serviceEnv } from "../common/service-env.js";
import { migrateProd } from "./migrate-prod.js";

const env = serviceEnv("kryton", "migrate");
exitWithParent();
if (env.fault === "fail" || env.fault === "crash-loop") {
  env.log("error", "fatal: injected fault, exiting", { fault: env.fault });
  process.exit(1);
}
try {
  await migrateProd(env, env.require("POSTGRES_URL"));
  process.exit(0);
} catch {
  process.exit(1);
}
