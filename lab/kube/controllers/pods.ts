// The kubelet's part: start each pod's container through the PodRuntime and mirror its state into pod status.
import type { PodLogSource } from "../context.js";
import { DISRUPTION_TARGET } from "../eviction.js";
import { LAB_NODE } from "../node.js";
import type { Objects } from "../objects.js";
import type {
  ContainerInput,
  PodRuntime,
  PodRuntimeStatus,
  PodSpecInput,
  RunningPod,
} from "../pod-runtime.js";
import { getPath, isMap, type JsonMap, type KObject, nowTime } from "../types.js";
import { condition, type Kinds, specOf, statusOf, writeStatus } from "./common.js";

interface Handle {
  running: RunningPod;
  startedAt: string;
  finishedAt?: string;
}

/** Runs pods through a PodRuntime; also answers pods/log. */
export class PodController implements PodLogSource {
  private readonly handles = new Map<string, Handle>();

  constructor(
    private readonly objects: Objects,
    private readonly kinds: Kinds,
    private readonly runtime: PodRuntime,
    private readonly wake: () => void,
  ) {}

  private key(ns: string, name: string): string {
    return `${ns}/${name}`;
  }

  logs(namespace: string, name: string): string | undefined {
    return this.handles.get(this.key(namespace, name))?.running.logs();
  }

  finished(namespace: string, name: string): boolean {
    const p = this.handles.get(this.key(namespace, name))?.running.status().phase;
    return p === "Succeeded" || p === "Failed";
  }

  /** Stop a pod's container for a delete, within its grace period (seconds); undefined when it has none. */
  terminate(pod: KObject, graceSeconds: number): Promise<void> | undefined {
    const h = this.handles.get(this.key(pod.metadata.namespace ?? "", pod.metadata.name));
    return h ? h.running.stop(graceSeconds * 1000) : undefined;
  }

  /** A pod left the store: stop its container. */
  forget(pod: KObject): void {
    const k = this.key(pod.metadata.namespace ?? "", pod.metadata.name);
    const h = this.handles.get(k);
    if (h) {
      this.handles.delete(k);
      void h.running.stop();
    }
  }

  /** Start new pods, publish status changes. */
  reconcile(): void {
    for (const pod of this.objects.store.list(this.kinds.pod)) {
      const k = this.key(pod.metadata.namespace ?? "", pod.metadata.name);
      let h = this.handles.get(k);
      if (!h) {
        if (statusOf(pod).phase !== "Pending") continue;
        const input = this.input(pod);
        if (typeof input === "string") {
          this.publish(pod, {
            phase: "Pending",
            ready: false,
            restartCount: 0,
            reason: "CreateContainerConfigError",
            message: input,
          });
          continue;
        }
        const running = this.runtime.start(input);
        h = { running, startedAt: nowTime() };
        this.handles.set(k, h);
        running.onChange(this.wake);
      }
      const st = h.running.status();
      if ((st.phase === "Succeeded" || st.phase === "Failed") && !h.finishedAt) h.finishedAt = nowTime();
      this.publish(pod, st, h);
    }
  }

  private publish(pod: KObject, st: PodRuntimeStatus, h?: Handle): void {
    const now = nowTime();
    const prev = statusOf(pod);
    const c = (type: string, ok: boolean) =>
      condition(prev.conditions, type, ok ? "True" : "False", "", "", now, { lastProbeTime: null });
    const containers = (specOf(pod).containers as JsonMap[] | undefined) ?? [];
    const started = st.phase !== "Pending";
    const status: JsonMap = {
      phase: st.phase,
      conditions: [
        c("PodReadyToStartContainers", started),
        c("Initialized", true),
        c("Ready", st.ready),
        c("ContainersReady", st.ready),
        c("PodScheduled", true),
      ]
        .map(({ reason: _r, message: _m, ...rest }): unknown => rest)
        // An eviction's mark stays until the pod is gone (a Job's podFailurePolicy reads it).
        .concat(
          Array.isArray(prev.conditions)
            ? prev.conditions.filter((cond) => isMap(cond) && cond.type === DISRUPTION_TARGET)
            : [],
        ),
      hostIP: "127.0.0.1",
      podIP: "127.0.0.1",
      podIPs: [{ ip: "127.0.0.1" }],
      startTime: prev.startTime ?? now,
      qosClass: "BestEffort",
      containerStatuses: containers.map((ct, i) => ({
        name: ct.name,
        image: ct.image,
        imageID: "",
        ready: i === 0 && st.ready,
        restartCount: i === 0 ? st.restartCount : 0,
        started: started && st.phase === "Running",
        state: stateOf(st, h),
        ...(st.restartCount > 0
          ? { lastState: { terminated: { exitCode: st.exitCode ?? 1, reason: "Error" } } }
          : {}),
      })),
    };
    if (st.message && st.phase === "Failed") status.message = st.message;
    writeStatus(this.objects, this.kinds.pod, pod, status);
    if (!specOf(pod).nodeName) {
      const fresh = this.objects.store.get(this.kinds.pod, pod.metadata.namespace, pod.metadata.name);
      if (fresh)
        this.objects.store.put(this.kinds.pod, { ...fresh, spec: { ...specOf(fresh), nodeName: LAB_NODE } });
    }
  }

  // Resolve env values from literals, Secrets, ConfigMaps and the downward API; a string means "cannot start yet".
  private input(pod: KObject): PodSpecInput | string {
    const spec = specOf(pod);
    const ns = pod.metadata.namespace ?? "default";
    const containers = ((spec.containers as ContainerInput[] | undefined) ?? []).map((c) => ({
      ...c,
      env: c.env ?? [],
    }));
    const resolvedEnv: Record<string, Record<string, string>> = {};
    for (const c of containers) {
      const env: Record<string, string> = {};
      for (const e of c.env) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (isMap(e.valueFrom)) {
          const v = this.valueFrom(pod, ns, e.valueFrom);
          if (v === undefined) return `couldn't resolve env ${e.name} of container ${c.name}`;
          if (v !== null) env[e.name] = v;
        }
      }
      resolvedEnv[c.name] = env;
    }
    const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
    return {
      namespace: ns,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      annotations: pod.metadata.annotations ?? {},
      containers,
      restartPolicy: typeof spec.restartPolicy === "string" ? spec.restartPolicy : "Always",
      ...(owner ? { ownerKind: owner.kind } : {}),
      ...(typeof spec.terminationGracePeriodSeconds === "number"
        ? { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }
        : {}),
      resolvedEnv,
    };
  }

  // undefined: missing required source; null: missing optional source.
  private valueFrom(pod: KObject, ns: string, from: JsonMap): string | null | undefined {
    const ref = (key: string) => (isMap(from[key]) ? (from[key] as JsonMap) : undefined);
    const s = ref("secretKeyRef");
    const m = ref("configMapKeyRef");
    const f = ref("fieldRef");
    if (s || m) {
      const r = (s ?? m) as JsonMap;
      const obj = this.objects.store.get(s ? this.kinds.secret : this.kinds.cm, ns, String(r.name));
      const data = obj && isMap(obj.data) ? obj.data : {};
      const raw = data[String(r.key)];
      if (typeof raw !== "string") return r.optional === true ? null : undefined;
      return s ? Buffer.from(raw, "base64").toString("utf8") : raw;
    }
    if (f) {
      const path = String(f.fieldPath ?? "");
      const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
      if (label) return pod.metadata.labels?.[label[1] ?? ""] ?? "";
      const v = getPath(pod, path.split("."));
      return path.startsWith("status.") && v === undefined ? "127.0.0.1" : String(v ?? "");
    }
    return null;
  }

  /** Stop every container (bounded: a runtime that hangs gets 30 s). */
  async stopAll(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 30_000);
    });
    await Promise.race([Promise.allSettled(all.map((h) => h.running.stop())), limit]);
    clearTimeout(timer);
  }
}

function stateOf(st: PodRuntimeStatus, h: Handle | undefined): JsonMap {
  if (st.phase === "Pending")
    return {
      waiting: { reason: st.reason ?? "ContainerCreating", ...(st.message ? { message: st.message } : {}) },
    };
  if (st.phase === "Running" && st.reason === "CrashLoopBackOff") {
    return {
      waiting: { reason: "CrashLoopBackOff", message: st.message ?? "back-off restarting failed container" },
    };
  }
  if (st.phase === "Running") return { running: { startedAt: h?.startedAt } };
  return {
    terminated: {
      exitCode: st.exitCode ?? (st.phase === "Succeeded" ? 0 : 1),
      reason: st.reason ?? (st.phase === "Succeeded" ? "Completed" : "Error"),
      startedAt: h?.startedAt,
      finishedAt: h?.finishedAt,
      ...(st.message ? { message: st.message } : {}),
    },
  };
}
