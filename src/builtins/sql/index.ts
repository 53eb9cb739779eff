// The sql family, in the order the docs list it.
import { sqlExec } from "./exec.js";
import { sqlMarkApplied } from "./mark-applied.js";
import { sqlMigrations } from "./migrations.js";
import { sqlQuery } from "./query.js";
import { sqlRepairTracking } from "./repair-tracking.js";

/** sql.query, sql.exec, sql.migrations, sql.repairTracking, sql.markApplied. */
export const sqlActions = [sqlQuery, sqlExec, sqlMigrations, sqlRepairTracking, sqlMarkApplied] as const;
