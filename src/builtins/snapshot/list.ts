// snapshot.list: the snapshots in the store, newest first, optionally for one database or label.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { connectionField } from "../shared/connection.js";
import { optionalPgConnection, type StoreArgs, storeDir, storeFields } from "./fields.js";
import { listManifests, manifestType, type SnapshotManifest } from "./store.js";

/** Arguments of snapshot.list. */
export interface SnapshotListArgs extends StoreArgs {
  database?: string;
  label?: string;
}

/** Output of snapshot.list. */
export interface SnapshotListOutput {
  snapshots: (SnapshotManifest & { path: string })[];
  latest: (SnapshotManifest & { path: string }) | null;
}

/** Find a snapshot taken days ago, e.g. for a late rollback. */
export const snapshotList = defineAction<SnapshotListArgs, SnapshotListOutput>({
  name: "snapshot.list",
  effect: "read",
  summary: "List the snapshots in the store (newest first), optionally filtered by database or label.",
  input: {
    type: "object",
    additionalProperties: false,
    properties: {
      connection: connectionField("postgres"),
      database: { type: "string", examples: ["kryton"], description: "Only snapshots of this database." },
      label: { type: "string", examples: ["pre-4.6.5"], description: "Only snapshots with this label." },
      ...storeFields,
    },
  },
  output: T.object("snapshot.list.output", { snapshots: T.list(manifestType), latest: manifestType }),
  plan(args, ctx) {
    const filters = [
      args.database && `database=${args.database}`,
      args.label && `label=${args.label}`,
    ].filter(Boolean);
    return [
      {
        kind: "note",
        text: ctx.redactor.redact(`list snapshots${filters.length ? ` where ${filters.join(", ")}` : ""}`),
      },
    ];
  },
  async run(ctx, args) {
    const dir = storeDir(ctx, args, optionalPgConnection(ctx, args.connection));
    const snapshots = (await listManifests(dir)).filter(
      (m) =>
        (args.database === undefined || m.database === args.database) &&
        (args.label === undefined || m.label === args.label),
    );
    ctx.log.info(`${snapshots.length} snapshot(s) in ${dir}`);
    return { snapshots, latest: snapshots[0] ?? null };
  },
});
