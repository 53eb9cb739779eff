// kubectl.rolloutStatus on StatefulSets and DaemonSets served by the lab's stand-in (set up with the real kubectl).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlRolloutStatus } from "../../../src/builtins/kubectl/rollout-status.js";
import { daemonSetYaml, statefulSetYaml } from "../../lab/kube/workload-yaml.js";
import { failure } from "../context.js";
import { type KubeLab, startKubeLab } from "../kube-lab.js";

const run = promisify(execFile);

describe("kubectl.rolloutStatus on StatefulSets and DaemonSets against the lab", () => {
  let lab: KubeLab;
  const ctx = () => lab.ctx();
  const apply = async (manifest: string) => {
    const child = run(lab.tools.kubectl, ["apply", "-f", "-", "--kubeconfig", lab.harness.kubeconfig], {
      env: lab.env,
    });
    child.child.stdin?.end(manifest);
    await child;
  };
  const wait = (kind: "statefulset" | "daemonset", name: string, timeout = "60s") =>
    kubectlRolloutStatus.run(ctx(), { kind, name, timeout, pollInterval: "100ms" });

  beforeAll(async () => {
    lab = await startKubeLab();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it("waits for a StatefulSet's ordered start and its rolling update", async () => {
    await apply(statefulSetYaml("apps", "db", { replicas: 2 }));
    const c = ctx();
    const out = await kubectlRolloutStatus.run(c, {
      kind: "statefulset",
      name: "db",
      timeout: "60s",
      pollInterval: "50ms",
    });
    expect(out).toMatchObject({
      kind: "StatefulSet",
      name: "db",
      namespace: "apps",
      message: "partitioned roll out complete: 2 new pods have been updated...",
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(out.revision).toMatch(/^db-[a-z0-9]{10}$/);
    expect(c.lines.some((l) => /^progress: Waiting for [12] pods to be ready\.\.\.$/.test(l))).toBe(true);

    await apply(statefulSetYaml("apps", "db", { replicas: 2, image: "registry.example/db:2.0.0" }));
    const updated = await wait("statefulset", "db");
    expect(updated.revision).toMatch(/^db-[a-z0-9]{10}$/);
    expect(updated.revision).not.toBe(out.revision);
    expect(updated).toMatchObject({ updatedReplicas: 2, availableReplicas: 2 });
  });

  it("waits for a DaemonSet on the lab's node and its rolling update", async () => {
    await apply(daemonSetYaml("apps", "agent"));
    const out = await wait("daemonset", "agent");
    expect(out).toMatchObject({
      kind: "DaemonSet",
      name: "agent",
      message: 'daemon set "agent" successfully rolled out',
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    await apply(daemonSetYaml("apps", "agent", { image: "registry.example/agent:2.0.0" }));
    expect((await wait("daemonset", "agent")).message).toBe('daemon set "agent" successfully rolled out');
  });

  it("fails a StatefulSet whose first pod never becomes ready, naming the pod", async () => {
    await apply(statefulSetYaml("apps", "stuck", { replicas: 2, fault: "never-ready" }));
    const err = await failure(wait("statefulset", "stuck", "3s"));
    expect(err.code).toBe("rollout-timeout");
    expect(err.message).toMatch(
      /statefulset apps\/stuck did not roll out within 3s: Waiting for 2 pods to be ready\.\.\./,
    );
    // OrderedReady: only stuck-0 exists, and it is the one reported.
    expect(err.message).toMatch(/\nPods not ready:\n {2}stuck-0: app: not ready$/);
  });

  it("fails a DaemonSet rollout whose new pod never becomes ready or crash-loops, with the pods' reasons", async () => {
    await apply(daemonSetYaml("apps", "sick"));
    await wait("daemonset", "sick");
    await apply(
      daemonSetYaml("apps", "sick", { image: "registry.example/sick:2.0.0", fault: "never-ready" }),
    );
    const err = await failure(wait("daemonset", "sick", "3s"));
    expect(err.code).toBe("rollout-timeout");
    expect(err.message).toContain(
      'did not roll out within 3s: Waiting for daemon set "sick" rollout to finish: 0 of 1 updated pods are available...',
    );
    expect(err.message).toMatch(/\nPods not ready:\n {2}sick-[a-z0-9]{5}: app: not ready$/);

    await apply(daemonSetYaml("apps", "sick", { image: "registry.example/sick:3.0.0", fault: "crash-loop" }));
    const crash = await failure(wait("daemonset", "sick", "3s"));
    expect(crash.message).toMatch(
      /\nPods not ready:\n {2}sick-[a-z0-9]{5}: app: CrashLoopBackOff \(\d+ restarts\): back-off restarting failed container$/,
    );
  });

  it("refuses an OnDelete StatefulSet, as kubectl does", async () => {
    const onDelete = statefulSetYaml("apps", "manual").replace(
      "serviceName: manual",
      "serviceName: manual\n  updateStrategy: {type: OnDelete}",
    );
    await apply(onDelete);
    const err = await failure(wait("statefulset", "manual", "10s"));
    expect(err.code).toBe("unsupported-strategy");
    expect(err.message).toContain("rollout status is only available for RollingUpdate strategy type");
  });
});
