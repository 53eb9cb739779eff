// The `local` executor: each target's run is an `rbx run` (or `rbx resume`) child process on this machine,
// in its own process group, with its output in a file — so a controller that dies takes no run with it.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { packagePath } from "../package-root.js";
import { processAlive } from "../run/store/liveness.js";
import type { FleetExecutor, Launched, LaunchSpec } from "./executor.js";

const HANDLE = /^pid (\d+) on (.+)$/;

/** The newest `max` bytes of a file, as text (never the whole of a large log). */
export function fileTail(path: string, max = 2000): string {
  let fd: number | undefined;
  try {
    const size = statSync(path).size;
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    fd = openSync(path, "r");
    readSync(fd, buf, 0, length, size - length);
    return buf.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Child processes of this machine's rbx. */
export class LocalExecutor implements FleetExecutor {
  readonly name = "local";

  constructor(
    /** The environment every run inherits (the controller's). */
    private readonly baseEnv: Readonly<Record<string, string | undefined>>,
    private readonly rbxBin: string = packagePath("bin", "rbx.js"),
  ) {}

  async launch(spec: LaunchSpec): Promise<Launched> {
    const dir = join(spec.stateDir, "fleets", spec.fleetId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const args = [this.rbxBin];
    if (spec.mode === "start") {
      const paramsFile = join(dir, `${spec.target}.params.json`);
      writeFileSync(paramsFile, JSON.stringify(spec.params), { mode: 0o600 });
      args.push("run", spec.runbook, "--run-id", spec.runId, "--params-file", paramsFile);
    } else {
      args.push("resume", spec.runId);
    }
    args.push("--state-dir", spec.stateDir);
    for (const id of spec.approve) args.push("--approve", id);
    if (spec.approveAll) args.push("--approve-all");
    const log = join(dir, `${spec.target}.log`);
    const fd = openSync(log, "a", 0o600);
    try {
      const child = spawn(process.execPath, args, {
        env: { ...this.baseEnv, ...spec.env, RBX_STORE: spec.storeUrl, NO_COLOR: "1" },
        stdio: ["ignore", fd, fd],
        detached: true,
      });
      const exited = new Promise<number | null>((resolve) => {
        child.on("error", () => resolve(null));
        child.on("exit", (code) => resolve(code));
      });
      if (child.pid === undefined) {
        await exited;
        throw new Error(`could not start ${process.execPath} for target ${spec.target}`);
      }
      return { handle: `pid ${child.pid} on ${hostname()}`, exited, log };
    } finally {
      closeSync(fd);
    }
  }

  async alive(handle: string): Promise<boolean | "unknown"> {
    const m = HANDLE.exec(handle);
    if (!m) return false;
    if (m[2] !== hostname()) return "unknown";
    return processAlive(Number(m[1]));
  }

  tail(_handle: string, log: string | undefined): string {
    return log ? fileTail(log) : "";
  }
}
