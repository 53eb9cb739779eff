// What `rbx plan` shows for snapshot.restore: every statement and command in order, for the mode chosen.
import type { PlanContext, PlannedEffect } from "../../contract/action.js";
import { planPgTarget } from "../sql/pg-session.js";
import { planQuoter } from "./database-props.js";
import { connectionArgs } from "./pg-tools.js";
import { tempDatabaseName } from "./recreate.js";
import { restoreFlags, type SnapshotRestoreArgs } from "./restore-args.js";

/** The plan of one restore step (no server is contacted: values read at run time are named, not shown). */
export function restorePlan(args: SnapshotRestoreArgs, ctx: PlanContext): PlannedEffect[] {
  const target = planPgTarget(ctx, args.connection);
  const snapshot = `<snapshot ${args.snapshot}>`;
  const steps = [`verify snapshot ${args.snapshot} (sha256, pg_restore --list)`];
  if ((args.mode ?? "recreate") === "clean") {
    if (args.terminateConnections) steps.push(`terminate other sessions on ${target.database}`);
    steps.push(["pg_restore", ...restoreFlags(args), ...connectionArgs(target), snapshot].join(" "));
    steps.push("check every restored table exists");
  } else {
    const q = planQuoter;
    const db = q.ident(target.database);
    const temp = tempDatabaseName(target.database);
    const force = args.terminateConnections !== false;
    const maintenance = args.maintenanceDatabase ?? "postgres";
    steps.push(
      `connect to ${q.ident(maintenance)}; read ${db}'s owner, encoding, LC_COLLATE/LC_CTYPE, locale provider, tablespace, connection limit, privileges, settings and comment from pg_database`,
      `refuse unless the user has CREATEDB and is a member of the owner role${force ? "" : `, and unless no other session is connected to ${db}`}`,
      `DROP DATABASE IF EXISTS ${q.ident(temp)} WITH (FORCE)  -- a copy left by an interrupted restore`,
      `CREATE DATABASE ${q.ident(temp)} WITH TEMPLATE template0 OWNER <owner> ENCODING <encoding> LC_COLLATE <collate> LC_CTYPE <ctype> …  -- as read above; then the same GRANTs, ALTER DATABASE/ROLE … SET and COMMENT`,
      ["pg_restore", ...restoreFlags(args), ...connectionArgs(target, temp), snapshot].join(" "),
      `check every restored table exists in ${q.ident(temp)}  -- on any failure up to here ${q.ident(temp)} is dropped and ${db} is untouched`,
      `DROP DATABASE IF EXISTS ${db}${force ? " WITH (FORCE)  -- ends the other sessions on it" : ""}`,
      `ALTER DATABASE ${q.ident(temp)} RENAME TO ${db}`,
    );
  }
  return [{ kind: "command", text: ctx.redactor.redact(steps.join("\n")) }];
}
