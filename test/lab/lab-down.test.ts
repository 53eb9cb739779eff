// `rbx lab down` after the supervisor died, with PostgreSQL restarted by hand during the lab's life: the server
// holding the data directory (its postmaster.pid, not the PID recorded at start) is stopped before the directory
// is removed.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { labDown, postmasterPid } from "../../lab/control.js";
import { startPostgres } from "../../lab/postgres.js";
import { processAlive, writeState } from "../../lab/state-file.js";

const run = promisify(execFile);
const dirs: string[] = [];
const pids: number[] = [];
afterAll(() => {
  // Whatever the test left running (it failed midway), stopped by PID.
  for (const pid of pids) if (processAlive(pid, "postgres")) process.kill(pid, "SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The uid/gid PostgreSQL must run as: ours, or `postgres` when we are root (initdb and postgres refuse root). */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = (line ?? "").split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

describe("rbx lab down and PostgreSQL", () => {
  it("stops a server restarted by hand (found by postmaster.pid) before removing its data directory", async () => {
    const pg = await startPostgres();
    const recordedPid = pg.pid;
    const dataDir = pg.dataDir;
    await pg.stopServer?.();
    expect(processAlive(recordedPid)).toBe(false);
    // An operator (or a fault rehearsal) starts the server again by hand: a new PID the lab state does not know.
    const restarted = spawn(
      join(pg.binDir, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(pg.port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${dirname(dataDir)}`,
      ],
      { ...serverUser(), detached: true, stdio: "ignore" },
    );
    restarted.unref();
    if (restarted.pid) pids.push(restarted.pid);
    dirs.push(dirname(dataDir));
    for (let i = 0; i < 100; i++) {
      const ok = await run(join(pg.binDir, "pg_isready"), ["-h", "127.0.0.1", "-p", String(pg.port), "-q"])
        .then(() => true)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const holder = postmasterPid(dataDir);
    expect(holder).toBe(restarted.pid);
    expect(holder).not.toBe(recordedPid);

    const lab = mkdtempSync(join(tmpdir(), "rbx-lab-down-"));
    dirs.push(lab);
    // A supervisor that is gone: a PID that has exited.
    const gone = spawn("true");
    await new Promise((r) => gone.once("exit", r));
    writeState({
      version: 1,
      dir: lab,
      startedAt: new Date().toISOString(),
      supervisorPid: gone.pid ?? 0,
      logFile: join(lab, "supervisor.log"),
      apiUrl: "https://127.0.0.1:1",
      kubeconfig: join(lab, "kubeconfig"),
      binDir: join(lab, "bin"),
      helmHome: { cache: lab, config: lab, data: lab },
      postgres: { pid: recordedPid, port: pg.port, dataDir, url: pg.url() },
      databases: {},
      releases: [],
      services: {},
      pods: {},
    });

    expect(await labDown(lab)).toBe(true);
    expect(processAlive(holder as number)).toBe(false);
    expect(existsSync(dirname(dataDir))).toBe(false);
    expect(existsSync(join(lab, "state.json"))).toBe(false);
  }, 60_000);
});
