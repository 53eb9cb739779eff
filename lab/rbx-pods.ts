// The lab's runtime for rbx's own image: a pod whose image is `rbx:<version>` runs this package's rbx as a process.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { packagePath, rbxPackage } from "../src/package-root.js";
import type { PodRuntime, PodRuntimeStatus, PodSpecInput, RunningPod } from "./kube/pod-runtime.js";
import { PullErrorPod } from "./product-pods.js";

/** Where rbx pods keep their files and how they reach the stand-in. */
export interface RbxPodOptions {
  /** The lab's directory: each pod gets `pods/<namespace>/<pod>/` (its HOME, working and state directory). */
  dir: string;
  /** The lab's kubeconfig: in a pod it stands for the mounted ServiceAccount token (in-cluster config). */
  kubeconfig: string;
  /** The lab's helm and kubectl links, first on the pod's PATH (the image ships both). */
  binDir: string;
  /** Runs every pod whose image is not rbx's. */
  fallback: PodRuntime;
  /** The grace period of a pod that names none, in ms (default 30 s, as Kubernetes). */
  stopGraceMs?: number;
}

/** Whether an image names rbx: `rbx:<version>` or `<registry>/…/rbx:<version>`; the tag decides if it "pulls". */
export function rbxImage(ref: string): { tag: string; known: boolean } | undefined {
  const last = ref.slice(ref.lastIndexOf("/") + 1);
  const at = last.indexOf(":");
  if ((at < 0 ? last : last.slice(0, at)) !== "rbx") return undefined;
  const tag = at < 0 ? "latest" : last.slice(at + 1);
  return { tag, known: tag === rbxPackage().version };
}

const LOG_LIMIT = 512 * 1024;

/** One rbx container: `rbx ARGS` under the pod's environment; Job pods never restart in place. */
class RbxPod implements RunningPod {
  private state: PodRuntimeStatus = { phase: "Pending", ready: false, restartCount: 0 };
  private out = "";
  private readonly child: ChildProcess | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(
    launch: { args: string[]; env: Record<string, string>; cwd: string } | { error: string },
    private readonly graceMs: number,
  ) {
    if ("error" in launch) {
      this.state = {
        phase: "Failed",
        ready: false,
        restartCount: 0,
        reason: "StartError",
        message: launch.error,
        exitCode: 128,
      };
      return;
    }
    const { args, env, cwd } = launch;
    try {
      this.child = spawn(process.execPath, [packagePath("bin", "rbx.js"), ...args], {
        cwd,
        env,
        // Its own process group: the container's processes, killed together when the pod goes.
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      this.set({
        phase: "Failed",
        ready: false,
        restartCount: 0,
        reason: "StartError",
        message: String(error),
        exitCode: 128,
      });
      return;
    }
    const capture = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-LOG_LIMIT);
    };
    this.child.stdout?.on("data", capture);
    this.child.stderr?.on("data", capture);
    this.child.on("error", (e) => capture(Buffer.from(`failed to start container: ${e.message}\n`)));
    this.child.once("exit", (code, signal) => {
      const exitCode = code ?? (signal === "SIGKILL" ? 137 : 143);
      this.set(
        exitCode === 0
          ? { phase: "Succeeded", ready: false, restartCount: 0, reason: "Completed", exitCode }
          : { phase: "Failed", ready: false, restartCount: 0, reason: "Error", exitCode },
      );
    });
    this.set({ phase: "Running", ready: true, restartCount: 0 });
  }

  private set(next: PodRuntimeStatus): void {
    this.state = next;
    for (const l of this.listeners) l();
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

  /**
   * As the kubelet: SIGTERM, then SIGKILL once the grace period is over — to every process of the container (rbx
   * and the helm or kubectl it runs), as a container's end takes them all.
   */
  async stop(graceMs = this.graceMs): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const pid = child.pid;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    const killAll = () => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    if (graceMs <= 0) killAll();
    else child.kill("SIGTERM");
    const kill = setTimeout(killAll, graceMs);
    await gone;
    clearTimeout(kill);
    // What rbx started and left behind dies with the container.
    killAll();
  }
}

/** A runtime that runs `rbx:<version>` pods as the local rbx and hands every other pod to `fallback`. */
export function rbxPodRuntime(opts: RbxPodOptions): PodRuntime {
  const live = new Set<RbxPod>();
  return {
    start(pod: PodSpecInput): RunningPod {
      const started = startPod(pod);
      if (started instanceof RbxPod) live.add(started);
      return started;
    },
    // Teardown: whatever still runs dies now (a grace period is for pods deleted while the lab goes on).
    close: async () => {
      await Promise.all([...live].map((p) => p.stop(0)));
      live.clear();
      await opts.fallback.close?.();
    },
  };

  function startPod(pod: PodSpecInput): RunningPod {
    const container = pod.containers[0];
    const image = container ? rbxImage(container.image) : undefined;
    if (!container || !image) return opts.fallback.start(pod);
    if (!image.known) return new PullErrorPod(container.image);
    const dir = join(opts.dir, "pods", pod.namespace, pod.name);
    const home = join(dir, "home");
    for (const d of [home, join(dir, "work"), join(dir, "helm")]) mkdirSync(d, { recursive: true });
    const env: Record<string, string> = {
      PATH: `${opts.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: home,
      KUBECONFIG: opts.kubeconfig,
      HELM_CACHE_HOME: join(dir, "helm", "cache"),
      HELM_CONFIG_HOME: join(dir, "helm", "config"),
      HELM_DATA_HOME: join(dir, "helm", "data"),
      RBX_STATE_DIR: join(dir, "state"),
      HOSTNAME: pod.name,
      ...(pod.resolvedEnv[container.name] ?? {}),
    };
    // The image's entrypoint is rbx: a command naming anything else does not exist in it.
    const command = container.command ?? [];
    const grace = opts.stopGraceMs ?? 30_000;
    if (command.length > 0 && command[0] !== "rbx")
      return new RbxPod({ error: `exec: "${command[0]}": executable file not found in $PATH` }, grace);
    const args = [...command.slice(1), ...(container.args ?? [])];
    const podGrace = pod.terminationGracePeriodSeconds;
    return new RbxPod(
      { args, env, cwd: join(dir, "work") },
      podGrace !== undefined ? podGrace * 1000 : grace,
    );
  }
}
