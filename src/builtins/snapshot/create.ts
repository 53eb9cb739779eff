// snapshot.create: pg_dump the database into the snapshot store, with a manifest (size, sha256, versions, label).
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type ActionContext, defineAction } from "../../contract/action.js";
import { ActionError } from "../shared/action-error.js";
import { connectionField, pickConnection } from "../shared/connection.js";
import { deadline } from "../shared/deadline.js";
import { fsyncDirectory, fsyncTree } from "../shared/durable.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import { toolRunner } from "../shared/run-tool.js";
import { planPgTarget, resolvePg, withPgSession } from "../sql/pg-session.js";
import { givenStoreBinDir, type StoreArgs, storeBinDir, storeDir, storeFields } from "./fields.js";
import { archiveList, connectionArgs, libpqEnv, runPgTool, toolPath } from "./pg-tools.js";
import { digest, manifestType, newSnapshotId, type SnapshotManifest } from "./store.js";

/** Arguments of snapshot.create. */
export interface SnapshotCreateArgs extends StoreArgs {
  label?: string;
  format?: "custom" | "directory";
  jobs?: number;
  timeout?: string | number;
}

/** The manifest plus where the snapshot is. */
export type SnapshotCreateOutput = SnapshotManifest & { path: string };

/** Dump a database before a risky change; the id in the output is what snapshot.restore takes. */
export const snapshotCreate = defineAction<SnapshotCreateArgs, SnapshotCreateOutput>({
  name: "snapshot.create",
  effect: "read",
  summary: "pg_dump a PostgreSQL database into the snapshot store and record a manifest with its sha256.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    properties: {
      connection: connectionField("postgres"),
      label: {
        type: "string",
        examples: ["pre-${{ params.targetVersion }}"],
        description: 'A note stored in the manifest, e.g. "pre-4.6.5".',
      },
      format: {
        type: "string",
        enum: ["custom", "directory"],
        default: "custom",
        description:
          "pg_dump format: one compressed file (custom) or a directory dumped in parallel (directory).",
      },
      jobs: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        examples: [4],
        description: "Parallel dump jobs (directory format only).",
      },
      timeout: { ...durationSchema, examples: ["2h"], description: "Give up after this long (default 1h)." },
      ...storeFields,
    },
    // Parallel jobs need the directory format.
    anyOf: [
      { properties: { jobs: { type: "integer", maximum: 1 } } },
      { required: ["format"], properties: { format: { type: "string", const: "directory" } } },
    ],
  },
  output: manifestType,
  plan(args, ctx) {
    const format = args.format ?? "custom";
    const conn = pickConnection(ctx.connections, "postgres", args.connection);
    const target = planPgTarget(ctx, args.connection);
    const dir = storeDir({ env: process.env }, args, conn);
    const flags = [`--format=${format}`, ...(args.jobs ? [`--jobs=${args.jobs}`] : [])];
    const cmd = [
      "pg_dump",
      ...flags,
      "--file",
      join(dir, "<new id>", format === "directory" ? "dump.d" : "dump"),
    ];
    cmd.push(...connectionArgs(target));
    return [
      { kind: "command", text: ctx.redactor.redact(`${cmd.join(" ")}  # PGPASSWORD from the connection`) },
    ];
  },
  async run(ctx, args) {
    const format = args.format ?? "custom";
    if ((args.jobs ?? 1) > 1 && format !== "directory") {
      throw new ActionError("invalid-arguments", "Parallel `jobs` need `format: directory`");
    }
    const conn = pickConnection(ctx.connections, "postgres", args.connection);
    const target = resolvePg(ctx, args.connection);
    // Ends the tools this step started when a sibling task fails (the server's answer, or pg_dump --version).
    const stop = new AbortController();
    const d = deadline(AbortSignal.any([ctx.signal, stop.signal]), durationOr(args.timeout, 3_600_000));
    try {
      const env = libpqEnv(target, ctx.env);
      // The server's version picks the binary only when none is given (no `binDir`, no RBX_PG_BIN_DIR): then the
      // dump waits for it, and the process runner loads meanwhile. A given binary starts dumping as soon as the
      // runner is loaded (before the database client, which loads while pg_dump runs), and the server's answer
      // (for the manifest) and pg_dump --version come while it dumps. A failure of the server's is still the one
      // reported, as when they ran one after the other.
      const given = givenStoreBinDir(ctx, args, conn);
      const runner = toolRunner();
      runner.catch(() => {}); // a runner that cannot load fails where a tool starts
      const first = given === undefined ? await serverVersionOf(ctx, args.connection) : undefined;
      await runner.catch(() => {});
      const binDir = given ?? storeBinDir(ctx, args, conn, first?.major);
      const dir = storeDir(ctx, args, conn);
      const id = newSnapshotId(target.database);
      const staging = join(dir, `.${id}.partial`);
      const file = format === "directory" ? "dump.d" : "dump";
      const dump = join(staging, file);
      try {
        await mkdir(staging, { recursive: true });
        let tables = 0;
        const flags = [`--format=${format}`, ...(args.jobs ? [`--jobs=${args.jobs}`] : []), "--verbose"];
        const pgDump = toolPath(binDir, "pg_dump");
        const dumping = runPgTool(
          ctx,
          d,
          pgDump,
          [...flags, "--file", dump, ...connectionArgs(target)],
          env,
          (line) => {
            const m = /dumping contents of table "?([^"]+)"?/.exec(line);
            if (m) ctx.log.progress(`${++tables} table(s) dumped, last ${m[1]}`);
          },
        );
        const versioning = runPgTool(ctx, d, pgDump, ["--version"], env);
        const tools = [dumping, versioning];
        const server = first ?? (await whileRunning(serverVersionOf(ctx, args.connection), tools, stop));
        ctx.log.info(`pg_dump ${target.database} (${server.version}) → ${id}`);
        const [, version] = await whileRunning(Promise.all([dumping, versioning]), tools, stop);
        const pgDumpVersion = version.trim();
        // Hashing the dump and listing its archive both only read it: side by side.
        const [{ sha256, size }, list] = await Promise.all([digest(dump), archiveList(ctx, d, binDir, dump)]);
        const entries = list.length;
        const manifest: SnapshotManifest = {
          id,
          database: target.database,
          connection: target.name,
          label: args.label ?? "",
          format,
          file,
          serverVersion: server.version,
          pgDumpVersion,
          size,
          sha256,
          entries,
          createdAt: new Date().toISOString(),
        };
        await writeFile(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
        // The dump and its manifest reach the disk before the snapshot gets its name, and the name after.
        await fsyncTree(staging);
        await rename(staging, join(dir, id));
        await fsyncDirectory(dir);
        await fsyncDirectory(dirname(dir)); // the store itself may have been created for this snapshot
        ctx.log.info(
          `snapshot ${id}: ${size} bytes, ${entries} archive entries, sha256 ${sha256.slice(0, 12)}…`,
        );
        return { ...manifest, path: join(dir, id) };
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
    } finally {
      d.clear();
    }
  },
});

/** The server's version string and major version, asked over a session of the connection. */
function serverVersionOf(ctx: ActionContext, connection: string | undefined) {
  return withPgSession(ctx, connection, { statementTimeoutMs: 15_000, lockTimeoutMs: 5_000 }, async (s) => {
    const r = await s.client.query<{ v: string; n: number }>(
      "select current_setting('server_version') as v, current_setting('server_version_num')::int as n",
    );
    return { version: r.rows[0]?.v ?? "", major: Math.floor((r.rows[0]?.n ?? 0) / 10_000) };
  });
}

/**
 * The value of `task`; when it fails, `stop` ends the `running` tools and the failure is thrown once they have
 * ended (no tool outlives its step). A failure of `running` is left to whoever awaits them.
 */
async function whileRunning<T>(
  task: Promise<T>,
  running: Promise<unknown>[],
  stop: AbortController,
): Promise<T> {
  for (const p of running) p.catch(() => {});
  try {
    return await task;
  } catch (error) {
    stop.abort();
    await Promise.allSettled(running);
    throw error;
  }
}
