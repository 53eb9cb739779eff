// snapshot.verify: is the snapshot intact (sha256) and readable by pg_restore? Read-only.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { connectionField } from "../shared/connection.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import { checkSnapshot } from "./check-archive.js";
import {
  optionalPgConnection,
  type StoreArgs,
  snapshotIdField,
  storeBinDir,
  storeDir,
  storeFields,
} from "./fields.js";
import { tablesInList } from "./pg-tools.js";

/** Arguments of snapshot.verify. */
export interface SnapshotVerifyArgs extends StoreArgs {
  snapshot: string;
  timeout?: string | number;
}

/** Output of snapshot.verify. */
export interface SnapshotVerifyOutput {
  id: string;
  ok: boolean;
  sha256: string;
  size: number;
  entries: number;
  tables: string[];
}

/** Check a snapshot before relying on it (the restore does the same first). */
export const snapshotVerify = defineAction<SnapshotVerifyArgs, SnapshotVerifyOutput>({
  name: "snapshot.verify",
  effect: "read",
  summary: "Check a snapshot's sha256 against its manifest and that pg_restore --list can read it.",
  input: {
    type: "object",
    additionalProperties: false,
    required: ["snapshot"],
    properties: {
      snapshot: snapshotIdField,
      connection: connectionField("postgres"),
      timeout: {
        ...durationSchema,
        examples: ["20m"],
        description: "Give up after this long (default 10m).",
      },
      ...storeFields,
    },
  },
  output: T.object("snapshot.verify.output", {
    id: T.string,
    ok: T.bool,
    sha256: T.string,
    size: T.int,
    entries: T.int,
    tables: T.list(T.string),
  }),
  plan(args, ctx) {
    return [
      {
        kind: "command",
        text: ctx.redactor.redact(`sha256 <snapshot ${args.snapshot}> && pg_restore --list <dump>`),
      },
    ];
  },
  async run(ctx, args) {
    const conn = optionalPgConnection(ctx, args.connection);
    const binDir = storeBinDir(ctx, args, conn);
    const d = deadline(ctx.signal, durationOr(args.timeout, 600_000));
    try {
      const { manifest, list } = await checkSnapshot(
        ctx,
        d,
        storeDir(ctx, args, conn),
        args.snapshot,
        binDir,
      );
      ctx.log.info(`snapshot ${manifest.id} intact: ${list.length} entries`);
      return {
        id: manifest.id,
        ok: true,
        sha256: manifest.sha256,
        size: manifest.size,
        entries: list.length,
        tables: tablesInList(list),
      };
    } finally {
      d.clear();
    }
  },
});
