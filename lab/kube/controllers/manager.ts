// Runs every controller whenever the store changes (coalesced) and on a timer for deadlines.
import type { Objects } from "../objects.js";
import type { PodRuntime } from "../pod-runtime.js";
import type { CustomResourceConfig } from "../resources.js";
import { type Kinds, kindsOf } from "./common.js";
import { reconcileDaemonSets } from "./daemonset.js";
import { reconcileDeployments } from "./deployment.js";
import { reconcileJobs } from "./job.js";
import { reconcileOperator } from "./operator.js";
import { PodController } from "./pods.js";
import { reconcileReplicaSets } from "./replicaset.js";
import { reconcileStatefulSets } from "./statefulset.js";

const MAX_PASSES = 20;

/** Owns the controllers' schedule and the pod runtime's lifetime. */
export class ControllerManager {
  readonly pods: PodController;
  private readonly kinds: Kinds;
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private running = false;
  private stopped = false;
  /** The last error a controller threw (kept for diagnosis; controllers never crash the server). */
  lastError?: unknown;

  constructor(
    private readonly objects: Objects,
    private readonly runtime: PodRuntime,
    private readonly customs: readonly CustomResourceConfig[],
    private readonly intervalMs = 250,
  ) {
    this.kinds = kindsOf(objects);
    this.pods = new PodController(objects, this.kinds, runtime, () => this.schedule());
    objects.terminator = (pod, grace) => this.pods.terminate(pod, grace);
  }

  /** Begin reacting to changes. */
  start(): void {
    this.unsubscribe = this.objects.store.subscribe((ev) => {
      if (ev.type === "DELETED" && ev.resource === this.kinds.pod) this.pods.forget(ev.object);
      this.schedule();
    });
    this.timer = setInterval(() => this.schedule(), this.intervalMs);
    this.schedule();
  }

  /** Run a reconcile pass soon (many changes share one pass). */
  schedule(): void {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.runPasses();
    }, 5);
  }

  private runPasses(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (let i = 0; i < MAX_PASSES; i++) {
        const before = this.objects.store.currentRv();
        this.pass();
        if (this.objects.store.currentRv() === before) break;
      }
    } finally {
      this.running = false;
    }
  }

  private pass(): void {
    const steps: (() => void)[] = [
      () => this.namespaces(),
      () => this.operators(),
      () => reconcileDeployments(this.objects, this.kinds),
      () => reconcileReplicaSets(this.objects, this.kinds),
      () => reconcileStatefulSets(this.objects, this.kinds),
      () => reconcileDaemonSets(this.objects, this.kinds),
      () => reconcileJobs(this.objects, this.kinds),
      () => this.pods.reconcile(),
    ];
    for (const step of steps) {
      try {
        step();
      } catch (err) {
        this.lastError = err;
      }
    }
  }

  // Every namespace gets its "default" ServiceAccount.
  private namespaces(): void {
    for (const ns of this.objects.store.list(this.kinds.ns)) {
      if (this.objects.store.get(this.kinds.sa, ns.metadata.name, "default")) continue;
      this.objects.create(this.kinds.sa, ns.metadata.name, { metadata: { name: "default" } });
    }
  }

  private operators(): void {
    for (const c of this.customs) {
      const t = this.objects.registry.byKind(c.group, c.kind);
      if (t) reconcileOperator(this.objects, this.kinds, t, c);
    }
  }

  /** Stop scheduling and stop every pod container. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    await this.pods.stopAll();
    await this.runtime.close?.();
  }
}
