// Kryton's scripts/migrate-prod.mjs: the real drizzle migrator against POSTGRES_URL, used on boot and as a Job.
import { applyMigrations } from "../common/drizzle-ledger.js";
import { migrationsFolder } from "../common/paths.js";
import { redactUrl, type ServiceEnv } from "../common/service-env.js";

/** Apply every migration this version ships; throws (with the SQL error) when one fails. */
export async function migrateProd(env: ServiceEnv, url: string): Promise<string[]> {
  const folder = migrationsFolder("kryton", env.version);
  env.log("info", "running drizzle migrations", { database: redactUrl(url) });
  try {
    const applied = await applyMigrations(url, folder);
    env.log("info", applied.length === 0 ? "migrations up to date" : "migrations applied", { applied });
    return applied;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const message =
      cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
    env.log("error", "migration failed", { error: message });
    throw new Error(`migration failed: ${message}`);
  }
}
