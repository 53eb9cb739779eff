// pg_dump / pg_restore: which binaries (a version at least the server's), and running them without secrets in argv.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ActionContext } from "../../runtime/action.js";
import { ActionError, messageOf } from "../shared/action-error.js";
import { abortError, type Deadline } from "../shared/deadline.js";
import type { PgTarget } from "../sql/pg-connection.js";

const DEBIAN_ROOT = "/usr/lib/postgresql";

/**
 * The directory holding pg_dump/pg_restore: `binDir` when given (step or connection), else RBX_PG_BIN_DIR,
 * else the Debian-layout directory of the server's major version or the newest newer one, else PATH ("").
 */
export function pgBinDir(
  binDir: string | undefined,
  env: Record<string, string | undefined>,
  serverMajor?: number,
): string {
  if (binDir) return binDir;
  if (env.RBX_PG_BIN_DIR) return env.RBX_PG_BIN_DIR;
  if (!existsSync(DEBIAN_ROOT)) return "";
  const majors = readdirSync(DEBIAN_ROOT)
    .map(Number)
    .filter((v) => Number.isInteger(v) && existsSync(join(DEBIAN_ROOT, String(v), "bin", "pg_dump")))
    .sort((a, b) => a - b);
  const pick =
    serverMajor === undefined ? majors.at(-1) : (majors.find((v) => v >= serverMajor) ?? majors.at(-1));
  return pick === undefined ? "" : join(DEBIAN_ROOT, String(pick), "bin");
}

/** The path of `tool` in `binDir` ("" = find it on PATH). */
export function toolPath(binDir: string, tool: "pg_dump" | "pg_restore"): string {
  return binDir ? join(binDir, tool) : tool;
}

/** libpq environment for `target`: the password goes here, never into argv. */
export function libpqEnv(target: PgTarget, base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !k.startsWith("PG")) env[k] = v;
  if (target.password) env.PGPASSWORD = target.password;
  if (target.sslmode) env.PGSSLMODE = target.sslmode;
  env.PGCONNECT_TIMEOUT = "15";
  return env;
}

/** Connection flags for pg_dump/pg_restore (no password). */
export function connectionArgs(target: PgTarget, database = target.database): string[] {
  return [
    "--host",
    target.host,
    "--port",
    String(target.port),
    "--username",
    target.user,
    "--no-password",
    "--dbname",
    database,
  ];
}

/** Run a PostgreSQL client tool; stderr lines feed `onLine`; failures carry the (redacted) stderr tail. */
export async function runPgTool(
  ctx: ActionContext,
  d: Deadline,
  command: string,
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const { execa } = await import("execa");
  const name = command.split("/").at(-1) ?? command;
  const child = execa(command, args, {
    env,
    extendEnv: false,
    cancelSignal: d.signal,
    forceKillAfterDelay: 5_000,
    stdin: "ignore",
    reject: false,
    maxBuffer: 64 << 20,
  });
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    for (const line of text.split("\n")) if (line.trim()) onLine(line.trim());
  });
  const result = await child;
  if (d.signal.aborted) throw abortError(name, d);
  if (result.failed) {
    const why = tail.trim() || (result.code === "ENOENT" ? `${command} not found` : messageOf(result));
    const hint = result.code === "ENOENT" ? " — install the PostgreSQL client or set `binDir`" : "";
    throw new ActionError(
      `${name.replace("_", "-")}-failed`,
      ctx.redactor.redact(`${name} failed: ${why}${hint}`),
      {
        cause: result,
        details: { exitCode: result.exitCode ?? null },
      },
    );
  }
  return String(result.stdout);
}

/** The table of contents of an archive, as pg_restore --list prints it. */
export async function archiveList(
  ctx: ActionContext,
  d: Deadline,
  binDir: string,
  dump: string,
): Promise<string[]> {
  const out = await runPgTool(
    ctx,
    d,
    toolPath(binDir, "pg_restore"),
    ["--list", dump],
    libpqEnvFree(ctx.env),
  );
  return out.split("\n").filter((l) => l.trim() && !l.startsWith(";"));
}

function libpqEnvFree(base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !k.startsWith("PG")) env[k] = v;
  return env;
}

/** `schema.table` of every TABLE DATA entry in a --list output. */
export function tablesInList(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\d+;\s+\d+\s+\d+\s+TABLE DATA\s+(\S+)\s+(\S+)/.exec(line);
    if (m) out.push(`${m[1]}.${m[2]}`);
  }
  return out;
}
