// 2.5.0's background backfill (001 "Long-running backfills"): it fills audit_events.source for old rows after the
// rollout, without blocking it, and reports progress in the audit log as MIGRATION_BACKFILL_* events.
import type pg from "pg";
import { atLeast } from "../common/semver.js";
import type { ServiceEnv } from "../common/service-env.js";
import { audit } from "./platform-routes.js";

const JOB = "audit_source_backfill";
let started = false;

/** Start the backfill once per process, unless an earlier run completed it (it resumes from where it left off). */
export function startBackfills(pool: pg.Pool, env: ServiceEnv): void {
  if (started || !atLeast(env.version, "2.5.0")) return;
  started = true;
  const seconds = Number(process.env.SCRYDON_BACKFILL_SECONDS ?? "3") || 3;
  const failing = process.env.SCRYDON_BACKFILL_FAIL === "true";
  void (async () => {
    try {
      const done = await pool.query(
        `SELECT 1 FROM "audit_events" WHERE "type" = 'MIGRATION_BACKFILL_COMPLETED' AND "detail"->>'job' = $1 LIMIT 1`,
        [JOB],
      );
      if ((done.rowCount ?? 0) > 0) return;
      await audit(pool, env, "MIGRATION_BACKFILL_STARTED", "system", { job: JOB });
      env.log("info", "backfill started", { job: JOB, seconds });
      await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
      await audit(pool, env, "MIGRATION_BACKFILL_PROGRESS", "system", { job: JOB, percent: 50 });
      await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
      if (failing) {
        await audit(pool, env, "MIGRATION_BACKFILL_FAILED", "system", {
          job: JOB,
          percent: 50,
          error: "row 4711: value too long",
        });
        env.log("error", "backfill failed", { job: JOB });
        return;
      }
      await pool.query(`UPDATE "audit_events" SET "source" = 'api-platform' WHERE "source" IS NULL`);
      await audit(pool, env, "MIGRATION_BACKFILL_COMPLETED", "system", { job: JOB, percent: 100 });
      env.log("info", "backfill completed", { job: JOB });
    } catch (error) {
      // The database went away (a restore, a rollback): the next process picks the backfill up again.
      started = false;
      env.log("warn", "backfill interrupted", { job: JOB, error: (error as Error).message });
    }
  })();
}
