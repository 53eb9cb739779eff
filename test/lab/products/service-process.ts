// Test helper: run one sample service module as a real Node process on a free loopback port.
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../../lab/postgres.js";
import { serviceNodeArgs } from "../../../lab/products/launch.js";

/** A started service process. */
export interface ServiceProcess {
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (bounded by `ms`). */
  exited(ms?: number): Promise<number | null>;
  /** GET until `path` answers `status` (bounded); returns the last body. */
  waitFor(path: string, status?: number, ms?: number): Promise<unknown>;
  stop(): Promise<void>;
}

/** Start `module` at `version` with `env`; always pair with stop() in finally/afterAll. */
export async function startService(
  module: string,
  version: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<ServiceProcess> {
  const port = await freePort();
  let out = "";
  const child = spawn(process.execPath, serviceNodeArgs(module, args), {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), RBX_IMAGE_VERSION: version, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    child,
    output: () => out,
    exited: (ms = 30_000) =>
      Promise.race([
        exit,
        new Promise<number | null>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit in ${ms} ms:\n${out}`)), ms),
        ),
      ]),
    async waitFor(path, status = 200, ms = 30_000) {
      const deadline = Date.now() + ms;
      let last = "";
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${out}`);
        try {
          const res = await fetch(`${url}${path}`);
          const text = await res.text();
          last = `${res.status} ${text}`;
          if (res.status === status) return text.startsWith("{") ? (JSON.parse(text) as unknown) : text;
        } catch (error) {
          last = String(error);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${path} did not answer ${status} within ${ms} ms (last: ${last}):\n${out}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(
        () => child.pid && child.exitCode === null && process.kill(child.pid, "SIGKILL"),
        5000,
      );
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Run a one-shot module (migration job) to completion; returns exit code and output. */
export async function runJob(
  module: string,
  version: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const p = await startService(module, version, env, args);
  try {
    const code = await p.exited(60_000);
    return { code, output: p.output() };
  } finally {
    await p.stop();
  }
}
