// Controllers take readiness and exit status from the PodRuntime; the simulated runtime's faults show in pod status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  PodRuntime,
  PodRuntimeStatus,
  PodSpecInput,
  RunningPod,
} from "../../../lab/kube/pod-runtime.js";
import { type KubeStandIn, startKubeStandIn } from "../../../lab/kube/server.js";
import type { KObject } from "../../../lab/kube/types.js";
import { eventually } from "./helpers.js";

/** A runtime the test drives by hand: pods change state only when told. */
class ManualRuntime implements PodRuntime {
  readonly pods = new Map<string, ManualPod>();
  start(input: PodSpecInput): RunningPod {
    let state: PodRuntimeStatus = { phase: "Running", ready: false, restartCount: 0 };
    let out = "";
    const listeners: (() => void)[] = [];
    let release = () => {};
    const stopped = new Promise<void>((r) => {
      release = r;
    });
    const entry: ManualPod = {
      input,
      stopping: false,
      release: () => release(),
      set: (s, log) => {
        state = { ...state, ...s };
        if (log) out += `${log}\n`;
        for (const l of listeners) l();
      },
    };
    this.pods.set(input.name, entry);
    return {
      status: () => state,
      logs: () => out,
      onChange: (l) => listeners.push(l),
      stop: () => {
        entry.stopping = true;
        return stopped;
      },
    };
  }
  async close(): Promise<void> {
    for (const p of this.pods.values()) p.release();
  }
}

interface ManualPod {
  input: PodSpecInput;
  stopping: boolean;
  /** Let the container finish stopping. */
  release: () => void;
  set: (s: Partial<PodRuntimeStatus>, log?: string) => void;
}

const runtime = new ManualRuntime();
let manual: KubeStandIn;
let sim: KubeStandIn;

beforeAll(async () => {
  manual = await startKubeStandIn({ runtime, namespaces: ["m"] });
  sim = await startKubeStandIn({ namespaces: ["s"] });
});

afterAll(async () => {
  for (const p of runtime.pods.values()) p.release();
  await manual?.stop();
  await sim?.stop();
});

const kinds = (s: KubeStandIn) => {
  const r = s.objects.registry;
  return {
    deploy: r.byKind("apps", "Deployment")!,
    job: r.byKind("batch", "Job")!,
    pod: r.byKind("", "Pod")!,
    secret: r.byKind("", "Secret")!,
  };
};

function deployment(name: string, annotations: Record<string, string> = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [
            {
              name: "app",
              image: `registry.example/${name}:1`,
              env: [
                { name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "pw" } } },
                { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
            },
          ],
        },
      },
    },
  };
}

describe("pod runtime integration", () => {
  it("waits for a Secret, then starts the pod with resolved env; readiness comes from the runtime", async () => {
    const k = kinds(manual);
    manual.objects.create(k.deploy, "m", deployment("web"));
    const pod = await eventually(() => manual.store.list(k.pod, "m")[0]);
    await eventually(
      () =>
        (
          manual.store.get(k.pod, "m", pod.metadata.name)?.status as {
            containerStatuses?: { state: { waiting?: { reason: string } } }[];
          }
        )?.containerStatuses?.[0]?.state.waiting?.reason === "CreateContainerConfigError" || undefined,
    );
    expect(runtime.pods.size).toBe(0);
    manual.objects.create(k.secret, "m", { metadata: { name: "db" }, stringData: { pw: "s3cret" } });
    const started = await eventually(() => runtime.pods.get(pod.metadata.name));
    expect(started.input.resolvedEnv.app).toEqual({ PW: "s3cret", POD: pod.metadata.name });
    expect(started.input).toMatchObject({
      namespace: "m",
      restartPolicy: "Always",
      ownerKind: "ReplicaSet",
      labels: { app: "web" },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (manual.store.get(k.deploy, "m", "web")!.status as { availableReplicas?: number }).availableReplicas ??
        0,
    ).toBe(0);
    started.set({ ready: true });
    const dep = await eventually(() => {
      const d = manual.store.get(k.deploy, "m", "web");
      return (d?.status as { availableReplicas?: number })?.availableReplicas === 1 ? d : undefined;
    });
    expect(
      (dep.status as { conditions: { type: string; reason: string }[] }).conditions.map((c) => c.reason),
    ).toEqual(["MinimumReplicasAvailable", "NewReplicaSetAvailable"]);
  });

  it("keeps a deleted pod Terminating until the runtime has stopped its container", async () => {
    const k = kinds(manual);
    const pod = [...runtime.pods.values()].find((p) => p.input.labels.app === "web");
    expect(pod).toBeDefined();
    const dep = manual.store.get(k.deploy, "m", "web")!;
    manual.objects.update(k.deploy, "m", "web", { ...dep, spec: { ...(dep.spec as object), replicas: 0 } });
    await eventually(() => pod?.stopping || undefined);
    const terminating = manual.store.get(k.pod, "m", pod!.input.name);
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    await eventually(() =>
      (manual.store.get(k.deploy, "m", "web")!.status as { replicas: number }).replicas === 0
        ? true
        : undefined,
    );
    pod!.release();
    await eventually(() => (manual.store.get(k.pod, "m", pod!.input.name) ? undefined : true));
  });

  it("counts Job pod exits reported by the runtime and stops containers of deleted pods", async () => {
    const k = kinds(manual);
    manual.objects.create(k.job, "m", {
      metadata: { name: "mig" },
      spec: {
        backoffLimit: 1,
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "m", image: "registry.example/mig:1" }] },
        },
      },
    });
    const first = await eventually(() =>
      [...runtime.pods.values()].find((p) => p.input.labels["job-name"] === "mig"),
    );
    expect(first.input.restartPolicy).toBe("Never");
    first.set({ phase: "Failed", exitCode: 3 }, "migration 0002 failed");
    const second = await eventually(() =>
      [...runtime.pods.values()].find((p) => p.input.labels["job-name"] === "mig" && p !== first),
    );
    second.set({ phase: "Succeeded", exitCode: 0 }, "migrated");
    const job = await eventually(() => {
      const j = manual.store.get(k.job, "m", "mig");
      return (j?.status as { succeeded?: number })?.succeeded === 1 ? j : undefined;
    });
    expect(job.status).toMatchObject({ failed: 1, succeeded: 1 });
    expect(manual.controllers.pods.logs("m", first.input.name)).toBe("migration 0002 failed\n");
    const failedPod = manual.store.get(k.pod, "m", first.input.name);
    expect(
      (failedPod!.status as { containerStatuses: { state: { terminated: { exitCode: number } } }[] })
        .containerStatuses[0]?.state.terminated.exitCode,
    ).toBe(3);
    manual.objects.delete(k.pod, "m", first.input.name);
    await eventually(() => first.stopping || undefined);
    first.release();
    await eventually(() => (manual.store.get(k.pod, "m", first.input.name) ? undefined : true));
  });

  it("shows the simulated runtime's crash loop in pod status", async () => {
    const k = kinds(sim);
    sim.objects.create(k.secret, "s", { metadata: { name: "db" }, stringData: { pw: "x" } });
    sim.objects.create(k.deploy, "s", deployment("crash", { "lab.rbx.dev/fault": "crash-loop" }));
    const pod = await eventually(() => {
      const p = sim.store.list(k.pod, "s")[0];
      const cs = (
        p?.status as {
          containerStatuses?: { restartCount: number; state: { waiting?: { reason: string } } }[];
        }
      )?.containerStatuses?.[0];
      return cs && cs.restartCount >= 2 ? cs : undefined;
    });
    expect(pod.state.waiting?.reason).toBe("CrashLoopBackOff");
  });
});
