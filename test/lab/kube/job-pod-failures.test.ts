// The lab's Job controller as Kubernetes runs a submitted run's Job: podFailurePolicy decides by exit code, a pod
// deleted before it finished counts as failed, and podReplacementPolicy Failed waits for it to stop.
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

interface Pod {
  input: PodSpecInput;
  stopping: boolean;
  release: () => void;
  set: (s: Partial<PodRuntimeStatus>) => void;
}

/** Pods change state only when the test says so; a stopping pod stops when released. */
class ManualRuntime implements PodRuntime {
  readonly pods: Pod[] = [];
  start(input: PodSpecInput): RunningPod {
    let state: PodRuntimeStatus = { phase: "Running", ready: true, restartCount: 0 };
    const listeners: (() => void)[] = [];
    let release = () => {};
    const stopped = new Promise<void>((r) => {
      release = r;
    });
    const pod: Pod = {
      input,
      stopping: false,
      release: () => release(),
      set: (s) => {
        state = { ...state, ...s };
        for (const l of listeners) l();
      },
    };
    this.pods.push(pod);
    return {
      status: () => state,
      logs: () => "",
      onChange: (l) => listeners.push(l),
      stop: () => {
        pod.stopping = true;
        return stopped;
      },
    };
  }
  async close(): Promise<void> {
    for (const p of this.pods) p.release();
  }
}

const runtime = new ManualRuntime();
let api: KubeStandIn;

beforeAll(async () => {
  api = await startKubeStandIn({ runtime, namespaces: ["j"] });
});
afterAll(async () => {
  for (const p of runtime.pods) p.release();
  await api?.stop();
});

const jobType = () => api.objects.registry.byKind("batch", "Job")!;
const podType = () => api.objects.registry.byKind("", "Pod")!;

function runJob(name: string, restartPolicy = "Never"): KObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      backoffLimit: 6,
      podFailurePolicy: {
        rules: [
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] },
          { action: "FailJob", onExitCodes: { containerName: "rbx", operator: "In", values: [1, 2, 3] } },
        ],
      },
      template: { spec: { restartPolicy, containers: [{ name: "rbx", image: "rbx:0.0.0" }] } },
    },
  };
}

const podsOf = (job: string) => runtime.pods.filter((p) => p.input.labels["job-name"] === job);
const status = (name: string) =>
  api.store.get(jobType(), "j", name)?.status as {
    active?: number;
    failed?: number;
    succeeded?: number;
    conditions?: { type: string; reason: string; message: string }[];
  };

describe("Job pod failures in the lab", () => {
  it("defaults podReplacementPolicy to Failed with a podFailurePolicy, and refuses it without restartPolicy Never", () => {
    const job = api.objects.create(jobType(), "j", runJob("defaults"));
    expect((job.spec as { podReplacementPolicy: string }).podReplacementPolicy).toBe("Failed");
    expect(() => api.objects.create(jobType(), "j", runJob("bad", "OnFailure"))).toThrow(
      /only "Never" is supported when podFailurePolicy is specified/,
    );
  });

  it("fails the Job at once when a pod exits with a FailJob code, saying which rule matched", async () => {
    api.objects.create(jobType(), "j", runJob("halted"));
    const pod = await eventually(() => podsOf("halted")[0]);
    pod.set({ phase: "Failed", exitCode: 3 });
    const st = await eventually(() =>
      status("halted")?.conditions?.some((c) => c.type === "Failed") ? status("halted") : undefined,
    );
    expect(st.failed).toBe(1);
    expect(st.conditions?.find((c) => c.type === "Failed")).toMatchObject({
      reason: "PodFailurePolicy",
      message: `Container rbx for pod j/${pod.input.name} failed with exit code 3 matching FailJob rule at index 1`,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(podsOf("halted")).toHaveLength(1);
  });

  it("replaces a deleted pod only once it has stopped, counts it as failed, and completes with the next pod", async () => {
    api.objects.create(jobType(), "j", runJob("resumed"));
    const first = await eventually(() => podsOf("resumed")[0]);
    api.objects.delete(podType(), "j", first.input.name);
    await eventually(() => first.stopping || undefined);
    // Still Terminating: no second pod yet (two pods must never drive one run at once).
    await new Promise((r) => setTimeout(r, 500));
    expect(podsOf("resumed")).toHaveLength(1);
    first.set({ phase: "Failed", exitCode: 130 });
    first.release();
    const second = await eventually(() => podsOf("resumed")[1]);
    expect(status("resumed").failed).toBe(1);
    second.set({ phase: "Succeeded", exitCode: 0 });
    const st = await eventually(() => (status("resumed")?.succeeded === 1 ? status("resumed") : undefined));
    expect(st.failed).toBe(1);
    expect(st.conditions?.map((c) => c.type)).toEqual(["SuccessCriteriaMet", "Complete"]);
  });

  it("removes a force-deleted pod (grace 0) at once and replaces it", async () => {
    api.objects.create(jobType(), "j", runJob("lost"));
    const first = await eventually(() => podsOf("lost")[0]);
    api.objects.delete(podType(), "j", first.input.name, { gracePeriodSeconds: 0 });
    expect(api.store.get(podType(), "j", first.input.name)).toBeUndefined();
    const second = await eventually(() => podsOf("lost")[1]);
    expect(second.input.name).not.toBe(first.input.name);
    expect(status("lost").failed).toBe(1);
  });
});
