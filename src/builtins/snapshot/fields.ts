// `with:` fields shared by the snapshot actions.

import type { ActionContext } from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import { pickConnection, stringField } from "../shared/connection.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";
import { givenPgBinDir, pgBinDir } from "./pg-tools.js";
import { snapshotsDir } from "./store.js";

/** Where snapshots live and which PostgreSQL client binaries to use. */
export const storeFields: Record<string, SchemaFragment> = {
  dir: {
    type: "string",
    examples: ["/var/backups/rbx"],
    description:
      "Snapshots directory (default: the connection's snapshotsDir, else RBX_SNAPSHOTS_DIR, else .rbx/snapshots).",
  },
  binDir: {
    type: "string",
    examples: ["/usr/lib/postgresql/16/bin"],
    description:
      "Directory of pg_dump/pg_restore (default: the connection's binDir, RBX_PG_BIN_DIR, the server's version, PATH).",
  },
};

/** The id field of verify and restore. */
export const snapshotIdField: SchemaFragment = {
  type: "string",
  pattern: "^[A-Za-z0-9][A-Za-z0-9_-]*$",
  examples: ["${{ steps.snapshot.output.id }}"],
  description: "A snapshot id, e.g. steps.<snapshot step>.output.id.",
};

/** Arguments about the store. */
export interface StoreArgs {
  connection?: string;
  dir?: string;
  binDir?: string;
}

/** The postgres connection when one is named or is the only one; undefined when there is none at all. */
export function optionalPgConnection(ctx: Pick<ActionContext, "connections">, name: string | undefined) {
  const any = [...ctx.connections.values()].some((c) => c.kind === "postgres");
  return name !== undefined || any ? pickConnection(ctx.connections, "postgres", name) : undefined;
}

/** The pg_dump/pg_restore directory: the step's `binDir`, the connection's, else as pgBinDir finds it. */
export function storeBinDir(
  ctx: Pick<ActionContext, "env">,
  args: StoreArgs,
  conn: ResolvedConnection | undefined,
  serverMajor?: number,
): string {
  return pgBinDir(namedBinDir(args, conn), ctx.env, serverMajor);
}

/** storeBinDir when it does not depend on the server's version (a `binDir` or RBX_PG_BIN_DIR), else undefined. */
export function givenStoreBinDir(
  ctx: Pick<ActionContext, "env">,
  args: StoreArgs,
  conn: ResolvedConnection | undefined,
): string | undefined {
  return givenPgBinDir(namedBinDir(args, conn), ctx.env);
}

/** The step's `binDir`, else the connection's. */
function namedBinDir(args: StoreArgs, conn: ResolvedConnection | undefined): string | undefined {
  return args.binDir ?? (conn ? stringField(conn, "binDir") : undefined);
}

/** The snapshots directory for these arguments. */
export function storeDir(
  ctx: Pick<ActionContext, "env">,
  args: StoreArgs,
  conn: ResolvedConnection | undefined,
): string {
  return snapshotsDir(args.dir, conn ? stringField(conn, "snapshotsDir") : undefined, ctx.env);
}
