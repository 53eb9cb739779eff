// snapshot.restore's arguments and the pg_restore flags they mean (shared by the action and its plan).
import type { StoreArgs } from "./fields.js";

/** How the database is returned to the snapshot. */
export type RestoreMode = "recreate" | "clean";

/** Arguments of snapshot.restore. */
export interface SnapshotRestoreArgs extends StoreArgs {
  snapshot: string;
  mode?: RestoreMode;
  maintenanceDatabase?: string;
  terminateConnections?: boolean;
  clean?: boolean;
  singleTransaction?: boolean;
  jobs?: number;
  noOwner?: boolean;
  lockTimeout?: string | number;
  timeout?: string | number;
}

/** pg_restore's flags for these arguments (recreate restores into an empty database: nothing to clean). */
export function restoreFlags(args: SnapshotRestoreArgs): string[] {
  const flags = ["--exit-on-error", "--verbose"];
  if ((args.mode ?? "recreate") === "clean" && args.clean !== false) flags.push("--clean", "--if-exists");
  if (args.jobs && args.jobs > 1) flags.push(`--jobs=${args.jobs}`);
  else if (args.singleTransaction !== false) flags.push("--single-transaction");
  if (args.noOwner) flags.push("--no-owner");
  return flags;
}
