// Running the real `node bin/rbx.js` in a child process, with a bounded wait and cleanup by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The rbx entry point of this checkout (built with `npm run build`). */
export const RBX = fileURLToPath(new URL("../../bin/rbx.js", import.meta.url));

/** How a child ended and what it printed. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Children still running, stopped by PID in afterAll even when a test fails. */
export const live = new Set<ChildProcess>();

/** Start rbx; `onStderr` sees output as it arrives (to send a signal at the right moment). */
export function startRbx(
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string>;
    onStderr?: (text: string, child: ChildProcess) => void;
    timeoutMs?: number;
  },
): Promise<Ended> {
  const child = spawn(process.execPath, [RBX, ...args], {
    cwd: opts.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      RBX_USER: "tester",
      ...(opts.env ?? {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
    opts.onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Stop every child still running (afterAll). */
export function killAll(): void {
  for (const c of live) if (c.pid) c.kill("SIGKILL");
  live.clear();
}
