// `rbx lab up|down|status|env`: start the lab as a detached supervisor, find it again, and tear it down by PID.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { modulesPath, nodeModuleArgs } from "../src/package-root.js";
import { apiGet } from "./api-get.js";
import { type LabState, processAlive, readState, removeState } from "./state-file.js";
import type { SupervisorMessage } from "./supervisor.js";

/** The supervisor module, also what its process's command line is recognised by. */
const SUPERVISOR_MARKER = "lab/supervisor";
/** The supervisor runs as its own process from the per-file modules (dist/lab/, or src/lab/ under vitest). */
const here = modulesPath("lab");

/** Options of `rbx lab up`. */
export interface LabUpOptions {
  dir: string;
  products: string[];
  helm: "3" | "4";
  /** Install each product this many times (namespaces kryton-01 …); 0: once, in its own namespace. */
  instances?: number;
  /** Per-instance faults, `7=broken-migration`. */
  faults?: string[];
  timeoutMs?: number;
  onLog?: (line: string) => void;
}

/** What `up` did: started a lab, found one running, or failed (with the supervisor log's path). */
export type LabUpResult =
  | { kind: "started"; state: LabState }
  | { kind: "running"; state: LabState }
  | { kind: "failed"; error: string; logFile: string };

/** What `status` sees. */
export interface LabStatus {
  state: LabState | undefined;
  running: boolean;
  /** A state file whose supervisor is gone. */
  stale: boolean;
  apiReachable: boolean;
}

/** Start the lab in a detached supervisor and wait until it reports ready (or fails). */
export async function labUp(opts: LabUpOptions): Promise<LabUpResult> {
  const dir = resolve(opts.dir);
  const existing = readState(dir);
  if (existing && processAlive(existing.supervisorPid, SUPERVISOR_MARKER))
    return { kind: "running", state: existing };
  if (existing) await cleanupStale(existing);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "supervisor.log");
  const fd = openSync(logFile, "a", 0o600);
  const args = nodeModuleArgs(join(here, "supervisor"), [
    "--dir",
    dir,
    "--products",
    opts.products.join(","),
    "--helm",
    opts.helm,
    ...(opts.instances ? ["--instances", String(opts.instances)] : []),
    ...(opts.faults && opts.faults.length > 0 ? ["--faults", opts.faults.join(",")] : []),
  ]);
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", fd, fd, "ipc"], cwd: dir });
  closeSync(fd);
  const result = await new Promise<LabUpResult>((done) => {
    const timer = setTimeout(() => {
      done({
        kind: "failed",
        error: `the lab did not become ready within ${(opts.timeoutMs ?? 600_000) / 1000} s`,
        logFile,
      });
    }, opts.timeoutMs ?? 600_000);
    child.on("message", (m: SupervisorMessage) => {
      if (m.type === "log") opts.onLog?.(m.line);
      if (m.type === "ready" || m.type === "failed") {
        clearTimeout(timer);
        done(
          m.type === "ready"
            ? { kind: "started", state: m.state }
            : { kind: "failed", error: m.error, logFile },
        );
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ kind: "failed", error: `the lab supervisor exited with status ${code}`, logFile });
    });
  });
  if (result.kind === "failed" && child.exitCode === null && child.pid) {
    process.kill(child.pid, "SIGTERM");
  }
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  return result;
}

/** Report the lab in `dir`: running, stale or absent, and whether its API answers. */
export async function labStatus(dir: string): Promise<LabStatus> {
  const state = readState(resolve(dir));
  if (!state) return { state, running: false, stale: false, apiReachable: false };
  const running = processAlive(state.supervisorPid, SUPERVISOR_MARKER);
  let apiReachable = false;
  try {
    const caFile = join(state.dir, "ca.crt");
    const ca = existsSync(caFile) ? readFileSync(caFile, "utf8") : undefined;
    apiReachable = (await apiGet(state.apiUrl, "/version", ca ? { ca } : {}, 2000)).status === 200;
  } catch {
    apiReachable = false;
  }
  return { state, running, stale: !running, apiReachable };
}

async function waitGone(pid: number, marker: string | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!processAlive(pid, marker)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid, marker);
}

/** The PID in a PostgreSQL data directory's postmaster.pid (its first line), if the file is there. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(
      readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "",
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// Stop a PostgreSQL server serving `dataDir` (fast shutdown, SIGKILL after 10 s); its command line must name it.
async function stopPostgres(pid: number, dataDir: string): Promise<void> {
  if (!processAlive(pid, dataDir)) return;
  process.kill(pid, "SIGINT");
  if (!(await waitGone(pid, dataDir, 10_000))) {
    process.kill(pid, "SIGKILL");
    await waitGone(pid, dataDir, 5_000);
  }
}

// A supervisor that died uncleanly may leave pod processes and PostgreSQL: end those we recorded, by PID — and
// whatever server holds the data directory now (postmaster.pid: one restarted during the lab's life has a new
// PID), before the directory is removed.
async function cleanupStale(state: LabState): Promise<void> {
  for (const pid of Object.values(state.pods)) {
    if (processAlive(pid, "products")) process.kill(pid, "SIGKILL");
  }
  const dataDir = state.postgres.dataDir;
  await stopPostgres(state.postgres.pid, dataDir);
  const holder = postmasterPid(dataDir);
  if (holder !== undefined) await stopPostgres(holder, dataDir);
  const pgBase = dirname(dataDir);
  const alive =
    processAlive(state.postgres.pid, dataDir) || (holder !== undefined && processAlive(holder, dataDir));
  if (basename(pgBase).startsWith("rbx-pg-") && !alive) rmSync(pgBase, { recursive: true, force: true });
  removeState(state.dir);
}

/** The lab's kubeconfig, or (badToken) a copy next to it whose token the API rejects; undefined without a lab. */
export async function labKubeconfig(dir: string, badToken: boolean): Promise<string | undefined> {
  const state = readState(resolve(dir));
  if (!state || !processAlive(state.supervisorPid, SUPERVISOR_MARKER)) return undefined;
  if (!badToken) return state.kubeconfig;
  const path = join(dirname(state.kubeconfig), "kubeconfig-bad-token");
  const text = readFileSync(state.kubeconfig, "utf8").replace(/^(\s*token:\s*).*$/m, "$1not-the-lab-token");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** Stop the lab in `dir` by its supervisor's PID; returns false when there was nothing to stop. */
export async function labDown(dir: string): Promise<boolean> {
  const state = readState(resolve(dir));
  if (!state) return false;
  if (processAlive(state.supervisorPid, SUPERVISOR_MARKER)) {
    process.kill(state.supervisorPid, "SIGTERM");
    if (!(await waitGone(state.supervisorPid, SUPERVISOR_MARKER, 60_000))) {
      process.kill(state.supervisorPid, "SIGKILL");
      await waitGone(state.supervisorPid, SUPERVISOR_MARKER, 5000);
    }
  }
  await cleanupStale(state);
  return true;
}
