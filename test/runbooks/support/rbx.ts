// Runs the real `node bin/rbx.js` for the runbook rehearsals: argument arrays, bounded waits, cleanup by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (runbooks/, lab/, bin/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The rbx entry point of this checkout (built with `npm run build`); RBX_REHEARSAL_BIN rehearses another build. */
export const RBX = process.env.RBX_REHEARSAL_BIN ?? resolve(REPO, "bin", "rbx.js");

/** How an rbx process ended and what it printed. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of one rbx invocation. */
export interface RbxOptions {
  env: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Sees stderr as it arrives, e.g. to SIGKILL the process at the right moment. */
  onStderr?: (text: string, child: ChildProcess) => void;
  /** Sees stdout as it arrives. */
  onStdout?: (text: string, child: ChildProcess) => void;
}

const live = new Set<ChildProcess>();

/** Start `rbx ARGS` and wait for it (killed with SIGKILL after `timeoutMs`, default 5 minutes). */
export function rbx(args: string[], opts: RbxOptions): Promise<Ended> {
  const child = spawn(process.execPath, [RBX, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { NO_COLOR: "1", RBX_USER: "rehearsal", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    const text = b.toString();
    stdout += text;
    opts.onStdout?.(text, child);
  });
  child.stderr?.on("data", (b: Buffer) => {
    const text = b.toString();
    stderr += text;
    opts.onStderr?.(text, child);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
  return new Promise((done, fail) => {
    child.once("error", (e) => {
      clearTimeout(timer);
      live.delete(child);
      fail(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** SIGKILL every rbx process still running (afterAll, even when a test failed). */
export function killLiveRbx(): void {
  for (const child of live) if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
  live.clear();
}
