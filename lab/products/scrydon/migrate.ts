// A Scrydon migration hook Job: verify the ledger against the schema, optionally repair, then migrate.
import pg from "pg";
import { applyMigrations, readJournal, readLedger, readMigrationSql } from "../common/drizzle-ledger.js";
import { migrationsFolder } from "../common/paths.js";
import { exitWithParent, redactUrl, serviceEnv } from "../common/service-env.js";
import { rewindTracking, verifyTracking } from "../common/tracking-desync.js";
import { scrydonDatabases } from "./databases.js";

const database = process.env.MIGRATION_DATABASE ?? "";
const env = serviceEnv("scrydon", `${database}-migration`);
exitWithParent();
const fatal = (lines: string[]): never => {
  for (const line of lines) process.stderr.write(`[migrate-bootstrap] ${line}\n`);
  process.exit(1);
};
if (!scrydonDatabases.some((d) => d.name === database)) {
  fatal([`FATAL: MIGRATION_DATABASE must be one of ${scrydonDatabases.map((d) => d.name).join(", ")}`]);
}
if (env.fault === "fail" || env.fault === "crash-loop") fatal([`FATAL: injected fault (${env.fault})`]);

const url = env.require("DATABASE_URL");
const folder = migrationsFolder("scrydon", env.version, database);
const repair = process.env.MIGRATE_REPAIR_TRACKING === "1" || process.env.MIGRATE_REPAIR_TRACKING === "true";
env.log("info", "migration job starting", { database, target: redactUrl(url), repairTracking: repair });

// 001 "Identify the migration version and the SQL statement that failed": drizzle runs every pending migration in
// one transaction and reports only the error, so replay them one by one in a transaction that is rolled back.
async function reportFailing(dsn: string, dir: string, tags: string[]): Promise<void> {
  const probe = new pg.Client({ connectionString: dsn });
  try {
    await probe.connect();
    await probe.query("BEGIN");
    for (const tag of tags) {
      for (const statement of readMigrationSql(dir, tag).split("--> statement-breakpoint")) {
        if (statement.trim() === "") continue;
        try {
          await probe.query(statement);
        } catch (error) {
          env.log("error", "failing migration", {
            database,
            migration: tag,
            statement: statement.trim(),
            error: (error as Error).message,
          });
          return;
        }
      }
    }
  } catch {
    // Diagnostics only: the migration error itself is reported by the caller.
  } finally {
    await probe.query("ROLLBACK").catch(() => undefined);
    await probe.end().catch(() => undefined);
  }
}

const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  const journal = readJournal(folder);
  const ledger = await readLedger(client);
  env.log("info", "ledger read", { database, tracked: ledger.length, shipped: journal.length });
  const verdict = await verifyTracking(client, folder, journal, ledger);
  if (verdict.state === "refused") {
    await client.end();
    fatal([
      "FATAL: the migration tracking table is out of sync with",
      "the actual database schema — it claims migrations are applied whose objects",
      "do not exist. This is a tracking desync, not a migration bug.",
      `The state is partial or non-contiguous (${verdict.detail}); auto-repair refuses to run by design.`,
      "Contact support before touching the tracking table manually.",
    ]);
  }
  if (verdict.state === "repairable") {
    if (!repair) {
      await client.end();
      fatal([
        "FATAL: the migration tracking table is out of sync with",
        "the actual database schema — it claims migrations are applied whose objects",
        "do not exist. This is a tracking desync, not a migration bug.",
        `Re-run with MIGRATE_REPAIR_TRACKING=1 to rewind tracking from ${verdict.rewindFrom.tag}`,
        `(${verdict.ghosts.join(", ")} left no objects behind; re-applying them cannot conflict with existing data).`,
      ]);
    } else {
      const removed = await rewindTracking(client, verdict.rewindFrom.when);
      env.log("warn", "tracking rewound", { database, from: verdict.rewindFrom.tag, rowsRemoved: removed });
    }
  } else if (repair) {
    env.log("info", "repairTracking set but the ledger is in sync; nothing to rewind", { database });
  }
  await client.end();
  const pendingTags = journal.filter((e) => !ledger.some((r) => r.createdAt === e.when)).map((e) => e.tag);
  env.log("info", pendingTags.length ? "migrations pending" : "no migration pending", {
    database,
    pending: pendingTags,
  });
  const applied = await applyMigrations(url, folder).catch(async (error: unknown) => {
    await reportFailing(url, folder, pendingTags);
    throw error;
  });
  env.log("info", applied.length === 0 ? "migrations up to date" : "migrations applied", {
    database,
    applied,
  });
  process.exit(0);
} catch (error) {
  const cause = (error as { cause?: unknown }).cause;
  const message =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  env.log("error", "migration failed", { database, error: message });
  process.exit(1);
}
