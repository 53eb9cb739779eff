// A private PostgreSQL server for the lab and the tests: initdb in a temp dir, loopback only, password auth.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  pid: number;
  binDir: string;
  dataDir: string;
  /** A connection URL for a database on this server (default `postgres`). */
  url(database?: string): string;
  /** Create a fresh database (a unique name unless given) and return its name. */
  createDatabase(name?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
  /** Servers this process started: stop the server but keep its data (a fault to rehearse)... */
  stopServer?(): Promise<void>;
  /** ...and start it again on the same port and data directory. */
  startServer?(): Promise<void>;
  /** Whether the server process runs now. */
  running?(): boolean;
}

export interface StartPostgresOptions {
  /** Parent directory for the data dir (default: the OS temp dir). */
  dir?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** fsync on (a benchmark of durable commits); off by default, for speed. */
  durable?: boolean;
}

/** The newest installed PostgreSQL server's bin directory (Debian layout), or an error saying what to install. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      "No PostgreSQL server found under /usr/lib/postgresql. Install it: apt-get install postgresql",
    );
  }
  return join(root, newest, "bin");
}

/** A port the OS says is free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: when we are root, the server runs as the `postgres` OS user. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line)
    throw new Error("Running as root needs the `postgres` OS user (apt-get install postgresql creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

async function waitReady(
  binDir: string,
  port: number,
  child: ChildProcess,
  logs: () => string,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited during start-up:\n${logs()}`);
    try {
      await run(join(binDir, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-q"]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not become ready within 20 s:\n${logs()}`);
}

/** Start a throwaway server; call `stop()` (also on failure paths) to end it and remove its data. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  const owner = serverIdentity();
  const base = mkdtempSync(join(options.dir ?? tmpdir(), "rbx-pg-"));
  const dataDir = join(base, "data");
  const password = randomBytes(12).toString("hex");
  const pwFile = join(base, "pw");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chmodSync(base, 0o700);
    chownSync(base, owner.uid, owner.gid);
    chownSync(pwFile, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  await run(
    join(binDir, "initdb"),
    [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=scram-sha-256",
      `--pwfile=${pwFile}`,
      "-E",
      "UTF8",
      "--no-locale",
    ],
    { ...asOwner, env: { ...process.env, LC_ALL: "C" } },
  );
  rmSync(pwFile);
  const port = options.port ?? (await freePort());
  let output = "";
  let child: ChildProcess;
  // Start the server on the data directory (again, after stopServer: same port, same data).
  const launch = async (): Promise<void> => {
    const started = spawn(
      join(binDir, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${base}`,
        "-c",
        `fsync=${options.durable ? "on" : "off"}`,
        // The default 100 is too few when a fleet's rbx processes and parallel test files share one server.
        "-c",
        "max_connections=500",
      ],
      { ...asOwner, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    started.stdout?.on("data", (d: Buffer) => {
      output = (output + d.toString()).slice(-8000);
    });
    started.stderr?.on("data", (d: Buffer) => {
      output = (output + d.toString()).slice(-8000);
    });
    await waitReady(binDir, port, started, () => output);
  };
  // Fast shutdown (SIGINT), SIGKILL after 10 s; the data directory stays.
  const stopServer = async (): Promise<void> => {
    const c = child;
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      process.kill(c.pid, "SIGINT");
      const timer = setTimeout(() => c.exitCode === null && c.pid && process.kill(c.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const stop = async (): Promise<void> => {
    await stopServer();
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  const handle = postgresHandle({ port, password, pid: child!.pid ?? 0, binDir, dataDir }, stop);
  return {
    ...handle,
    get pid() {
      return child.pid ?? 0;
    },
    stopServer,
    async startServer() {
      if (child.exitCode === null && child.signalCode === null) return;
      await launch();
    },
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

/** What identifies a running server, so another process (a test worker) can use it. */
export interface PostgresServerInfo {
  port: number;
  password: string;
  pid: number;
  binDir: string;
  dataDir: string;
}

const DB_NAME = /^[a-z_][a-z0-9_]*$/;

/** A handle on a running server; `stop` is what ending it means for this holder (a no-op for a borrowed one). */
export function postgresHandle(info: PostgresServerInfo, stop: () => Promise<void>): PostgresServer {
  const { port, password, binDir } = info;
  const url = (database = "postgres") =>
    `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const psql = async (sql: string) => {
    await run(join(binDir, "psql"), [url(), "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]);
  };
  const checkName = (name: string) => {
    if (!DB_NAME.test(name))
      throw new Error(`Database name ${JSON.stringify(name)} must match [a-z_][a-z0-9_]*`);
  };
  let counter = 0;
  return {
    ...info,
    host: "127.0.0.1",
    user: "postgres",
    url,
    async createDatabase(name) {
      counter += 1;
      const db = name ?? `t_${process.pid}_${counter}_${randomBytes(3).toString("hex")}`;
      checkName(db);
      await psql(`CREATE DATABASE "${db}"`);
      return db;
    },
    async dropDatabase(name) {
      checkName(name);
      await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    stop,
  };
}
