// The lab's pod runtime: pods whose image names a sample product run that product's version as a real process.
import {
  FAULT_ANNOTATION,
  type PodRuntime,
  type PodRuntimeStatus,
  type PodSpecInput,
  type RunningPod,
} from "./kube/pod-runtime.js";
import { simulatedRuntime } from "./kube/sim-runtime.js";
import { parseFault, resolveImage } from "./products/catalog.js";
import { type ProcessPlan, ProcessPod, type ProcessPodOptions } from "./products/process-pod.js";

/** Options of the product runtime; every timing has a lab-friendly default. */
export interface ProductRuntimeOptions extends Partial<ProcessPodOptions> {
  /** Runs pods whose image is not a sample product (default: the simulated runtime). */
  fallback?: PodRuntime;
}

/** A ready-or-not pod backing a Service, as a proxy needs it. */
export interface PodEndpoint {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  port: number;
  ready: boolean;
  pid: number | undefined;
}

/** A pod that can never start because its image tag does not exist in the "registry". */
export class PullErrorPod implements RunningPod {
  private state: PodRuntimeStatus;
  private readonly listeners: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(ref: string) {
    const message = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": not found`;
    this.state = { phase: "Pending", ready: false, restartCount: 0, reason: "ErrImagePull", message };
    this.timer = setTimeout(() => {
      this.state = { ...this.state, reason: "ImagePullBackOff", message: `Back-off pulling image "${ref}"` };
      for (const l of this.listeners) l();
    }, 1000);
  }
  status(): PodRuntimeStatus {
    return { ...this.state };
  }
  logs(): string {
    return "";
  }
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  async stop(): Promise<void> {
    clearTimeout(this.timer);
  }
}

/** Decide what a pod runs: its first container naming a sample image, the command picked by its arguments. */
export function planPod(pod: PodSpecInput): { plan: ProcessPlan } | { pullError: string } | undefined {
  for (const container of pod.containers) {
    const resolved = resolveImage(container.image);
    if (resolved.kind === "foreign") continue;
    if (resolved.kind === "unknown-tag") return { pullError: container.image };
    const words = [...(container.command ?? []), ...(container.args ?? [])];
    const commandIndex = words.findIndex((w) => resolved.image.commands[w] !== undefined);
    const command = commandIndex >= 0 ? words[commandIndex] : undefined;
    const module = command !== undefined ? resolved.image.commands[command]! : resolved.image.entry;
    const args = commandIndex >= 0 ? words.slice(commandIndex + 1) : [];
    return {
      plan: {
        image: resolved.image,
        version: resolved.version,
        fault: resolved.fault ?? parseFault(pod.annotations[FAULT_ANNOTATION]),
        module,
        args,
        env: { ...(pod.resolvedEnv[container.name] ?? {}), ...resolved.image.env },
        serves: command === undefined,
      },
    };
  }
  return undefined;
}

/** The runtime the lab hands to the stand-in; also answers which pods back a Service. */
export class ProductPodRuntime implements PodRuntime {
  private readonly pods = new Map<string, ProcessPod>();
  /** ReplicaSets (namespace/pod-template-hash) that already have their one never-ready pod. */
  private readonly oneNeverReady = new Set<string>();
  private readonly opts: ProcessPodOptions;
  private readonly fallback: PodRuntime;

  constructor(options: ProductRuntimeOptions = {}) {
    this.opts = {
      readinessIntervalMs: options.readinessIntervalMs ?? 250,
      backoffInitialMs: options.backoffInitialMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 10_000,
      slowStartMs: options.slowStartMs ?? 8000,
      stopGraceMs: options.stopGraceMs ?? 5000,
      logLimit: options.logLimit ?? 512 * 1024,
    };
    this.fallback = options.fallback ?? simulatedRuntime();
  }

  start(pod: PodSpecInput): RunningPod {
    const decision = planPod(pod);
    if (decision === undefined) return this.fallback.start(pod);
    if ("pullError" in decision) return new PullErrorPod(decision.pullError);
    const key = `${pod.namespace}/${pod.name}`;
    const plan = decision.plan;
    if (plan.fault === "one-never-ready") {
      const set = `${pod.namespace}/${pod.labels["pod-template-hash"] ?? pod.name}`;
      plan.fault = this.oneNeverReady.has(set) ? undefined : "never-ready";
      this.oneNeverReady.add(set);
    }
    const running = new ProcessPod(pod, plan, this.opts);
    this.pods.set(key, running);
    const stop = running.stop.bind(running);
    running.stop = async () => {
      await stop();
      if (this.pods.get(key) === running) this.pods.delete(key);
    };
    return running;
  }

  /** Pods in `namespace` whose labels carry every `selector` pair, with their loopback ports. */
  endpoints(namespace: string, selector: Record<string, string>): PodEndpoint[] {
    const out: PodEndpoint[] = [];
    for (const p of this.pods.values()) {
      if (p.pod.namespace !== namespace || p.port === undefined) continue;
      if (!Object.entries(selector).every(([k, v]) => p.pod.labels[k] === v)) continue;
      out.push({
        namespace,
        name: p.pod.name,
        labels: p.pod.labels,
        port: p.port,
        ready: p.status().ready,
        pid: p.pid,
      });
    }
    return out;
  }

  /** Every process pod with its pid, for the lab's state file. */
  all(): PodEndpoint[] {
    return [...this.pods.values()].flatMap((p) =>
      p.port === undefined
        ? []
        : [
            {
              namespace: p.pod.namespace,
              name: p.pod.name,
              labels: p.pod.labels,
              port: p.port,
              ready: p.status().ready,
              pid: p.pid,
            },
          ],
    );
  }

  /** Stop every process (teardown); the stand-in normally stops each pod itself first. */
  async close(): Promise<void> {
    await Promise.all([...this.pods.values()].map((p) => p.stop()));
    this.pods.clear();
    await this.fallback.close?.();
  }
}

/** Build the product runtime (real processes for registry.example images, simulated pods otherwise). */
export function productRuntime(options: ProductRuntimeOptions = {}): ProductPodRuntime {
  return new ProductPodRuntime(options);
}
