// One pod of a sample product run as a real Node process: spawn, readiness polling, restarts with back-off, logs.
import { type ChildProcess, spawn } from "node:child_process";
import type { PodRuntimeStatus, PodSpecInput, RunningPod } from "../kube/pod-runtime.js";
import { freePort } from "../postgres.js";
import type { LabFault, ProductImage } from "./catalog.js";
import { serviceNodeArgs } from "./launch.js";

/** Timings and limits of the process runtime (milliseconds, bytes). */
export interface ProcessPodOptions {
  readinessIntervalMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  slowStartMs: number;
  stopGraceMs: number;
  logLimit: number;
}

/** What to run for one pod: the image, its version and fault, the module and its arguments. */
export interface ProcessPlan {
  image: ProductImage;
  version: string;
  fault: LabFault | undefined;
  module: string;
  args: string[];
  env: Record<string, string>;
  /** Whether the module serves HTTP (readiness polled) or runs to completion (Job step). */
  serves: boolean;
}

/** A running sample-service pod; `port` is its loopback port once allocated. */
export class ProcessPod implements RunningPod {
  port: number | undefined;
  private state: PodRuntimeStatus = { phase: "Pending", ready: false, restartCount: 0 };
  private child: ChildProcess | undefined;
  private out = "";
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(
    readonly pod: PodSpecInput,
    private readonly plan: ProcessPlan,
    private readonly opts: ProcessPodOptions,
  ) {
    void this.boot();
  }

  /** The pid of the current container process, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  private async boot(): Promise<void> {
    try {
      this.port = await freePort();
    } catch (error) {
      this.set({
        phase: "Failed",
        ready: false,
        restartCount: 0,
        reason: "StartError",
        message: String(error),
      });
      return;
    }
    this.launch();
  }

  private launch(): void {
    if (this.stopping) return;
    this.out = "";
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      ...this.plan.env,
      HOST: "127.0.0.1",
      PORT: String(this.port),
      RBX_IMAGE_VERSION: this.plan.version,
      RBX_LAB_SLOW_MS: String(this.opts.slowStartMs),
      HOSTNAME: this.pod.name,
    };
    if (this.plan.fault) env.RBX_LAB_FAULT = this.plan.fault;
    const child = spawn(process.execPath, serviceNodeArgs(this.plan.module, this.plan.args), {
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child = child;
    const capture = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-this.opts.logLimit);
    };
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    child.on("error", (error) => capture(Buffer.from(`failed to start container: ${error.message}\n`)));
    child.once("exit", (code, signal) => this.exited(child, code ?? (signal ? 137 : 1)));
    this.set({ ...this.state, phase: "Running", ready: false, reason: undefined, message: undefined });
    if (this.plan.serves) this.poll(child);
  }

  private poll(child: ChildProcess): void {
    this.timer = setTimeout(async () => {
      if (this.child !== child || child.exitCode !== null || this.stopping) return;
      let ready = false;
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}${this.plan.image.readinessPath}`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.arrayBuffer();
        ready = res.status >= 200 && res.status < 400;
      } catch {
        ready = false;
      }
      if (this.child === child && child.exitCode === null && !this.stopping) {
        if (ready !== this.state.ready) this.set({ ...this.state, ready });
        this.poll(child);
      }
    }, this.opts.readinessIntervalMs);
  }

  private exited(child: ChildProcess, code: number): void {
    if (this.child !== child) return;
    clearTimeout(this.timer);
    if (this.stopping) return;
    const policy = this.pod.restartPolicy;
    const restart = policy === "Always" || (policy === "OnFailure" && code !== 0);
    if (!restart) {
      this.set(
        code === 0
          ? {
              phase: "Succeeded",
              ready: false,
              restartCount: this.state.restartCount,
              reason: "Completed",
              exitCode: 0,
            }
          : {
              phase: "Failed",
              ready: false,
              restartCount: this.state.restartCount,
              reason: "Error",
              exitCode: code,
            },
      );
      return;
    }
    const restarts = this.state.restartCount + 1;
    const delay = Math.min(this.opts.backoffInitialMs * 2 ** (restarts - 1), this.opts.backoffMaxMs);
    this.set({
      phase: "Running",
      ready: false,
      restartCount: restarts,
      reason: "CrashLoopBackOff",
      message: `back-off ${Math.round(delay / 1000)}s restarting failed container (exit code ${code})`,
      exitCode: code,
    });
    this.timer = setTimeout(() => this.launch(), delay);
  }

  private set(next: PodRuntimeStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.state);
    this.state = next;
    if (changed) for (const l of this.listeners) l();
  }

  status(): PodRuntimeStatus {
    return { ...this.state };
  }

  logs(): string {
    return this.out;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    process.kill(child.pid, "SIGTERM");
    const kill = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(child.pid, "SIGKILL");
    }, this.opts.stopGraceMs);
    await gone;
    clearTimeout(kill);
  }
}
