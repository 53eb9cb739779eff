// pg_dump / pg_restore: which binaries (a version at least the server's), and running them without secrets in argv.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ActionContext } from "../../contract/action.js";
import type { Deadline } from "../shared/deadline.js";
import { runTool } from "../shared/run-tool.js";
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
  const given = givenPgBinDir(binDir, env);
  if (given !== undefined) return given;
  if (!existsSync(DEBIAN_ROOT)) return "";
  const majors = readdirSync(DEBIAN_ROOT)
    .map(Number)
    .filter((v) => Number.isInteger(v) && existsSync(join(DEBIAN_ROOT, String(v), "bin", "pg_dump")))
    .sort((a, b) => a - b);
  const pick =
    serverMajor === undefined ? majors.at(-1) : (majors.find((v) => v >= serverMajor) ?? majors.at(-1));
  return pick === undefined ? "" : join(DEBIAN_ROOT, String(pick), "bin");
}

/** The directory pgBinDir picks when it does not depend on the server's version (`binDir`, RBX_PG_BIN_DIR). */
export function givenPgBinDir(
  binDir: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (binDir) return binDir;
  if (env.RBX_PG_BIN_DIR) return env.RBX_PG_BIN_DIR;
  return undefined;
}

/** The path of `tool` in `binDir` ("" = find it on PATH). */
export function toolPath(binDir: string, tool: "pg_dump" | "pg_restore"): string {
  return binDir ? join(binDir, tool) : tool;
}

/** libpq environment for `target`: the password goes here, never into argv. */
export function libpqEnv(target: PgTarget, base: Record<string, string | undefined>): Record<string, string> {
  const env = libpqEnvFree(base);
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

/** Run a PostgreSQL client tool; stderr lines feed `onLine`; a failure leads with its decisive stderr line. */
export async function runPgTool(
  ctx: ActionContext,
  d: Deadline,
  command: string,
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const name = command.split("/").at(-1) ?? command;
  return runTool(
    ctx,
    d,
    {
      command,
      args,
      env,
      label: name,
      killAfterMs: 5_000,
      tailChars: 4000,
      failure: (_why, notFound, cause) => ({
        code: notFound
          ? `${name.replace("_", "-")}-not-found`
          : (cause ?? `${name.replace("_", "-")}-failed`),
        hint: notFound ? " — install the PostgreSQL client or set `binDir`" : "",
      }),
    },
    onLine,
  );
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

/** The environment without any libpq (`PG*`) variable, so a tool reads only what rbx gives it. */
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
