// The cause of a failed wait, read from the stand-in: a crash-looping workload's pods (phase, restarts, waiting
// reason, last exit) and its failing container's last log lines, redacted; a failed Job's pod and log; structured
// log lines shown as level, message and error.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readable } from "../../../src/builtins/kubectl/diagnose.js";
import { kubectlRolloutStatus } from "../../../src/builtins/kubectl/rollout-status.js";
import { kubectlWaitJob } from "../../../src/builtins/kubectl/wait-job.js";
import { statefulSetYaml } from "../../lab/kube/workload-yaml.js";
import { failure } from "../context.js";
import { type KubeLab, startKubeLab } from "../kube-lab.js";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("diagnose: what a failed wait's target looks like", () => {
  let lab: KubeLab;
  const apply = async (manifest: string) => {
    const child = run(lab.tools.kubectl, ["apply", "-f", "-", "--kubeconfig", lab.harness.kubeconfig], {
      env: lab.env,
    });
    child.child.stdin?.end(manifest);
    await child;
  };

  beforeAll(async () => {
    lab = await startKubeLab();
    await apply(statefulSetYaml("apps", "crashy", { replicas: 1, fault: "crash-loop" }));
    await apply(statefulSetYaml("apps", "fine", { replicas: 1 }));
    await apply(`apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: apps}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations: {lab.rbx.dev/fault: fail}
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.example/migrate:1.0.0
`);
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it("a crash-looping StatefulSet: the rollout fails, and its diagnosis names the pod, its restarts, CrashLoopBackOff and the crash's log line, redacted", async () => {
    // The simulated container crashes every 300 ms: give it a few restarts.
    await sleep(1_500);
    const err = await failure(
      kubectlRolloutStatus.run(lab.ctx(), { kind: "statefulset", name: "crashy", timeout: "2s" }),
    );
    expect(err.message).toContain("did not roll out within 2s");
    // "simulated" stands in for a secret: log lines pass through the redactor.
    const c = lab.ctx(undefined, { secrets: ["simulated"] });
    const found = await kubectlRolloutStatus.diagnose?.(c, { kind: "statefulset", name: "crashy" });
    expect(found?.target).toBe("statefulset crashy in apps");
    const pod = found?.pods[0];
    expect(pod).toMatchObject({
      name: "crashy-0",
      phase: "Running",
      ready: false,
      reason: "CrashLoopBackOff",
    });
    expect(pod?.restarts).toBeGreaterThan(0);
    expect(pod?.lastExit).toBe("exit 1 (Error)");
    expect(found?.logs[0]).toMatchObject({ pod: "crashy-0", container: "app", previous: true });
    expect(found?.logs[0]?.lines).toContain("fatal: *** crash, exit code 1");
    expect(JSON.stringify(found)).not.toContain("simulated");
  }, 60_000);

  it("a healthy StatefulSet: its pods are ready with no restarts and no log is read", async () => {
    await kubectlRolloutStatus.run(lab.ctx(), { kind: "statefulset", name: "fine", timeout: "30s" });
    const found = await kubectlRolloutStatus.diagnose?.(lab.ctx(), { kind: "statefulset", name: "fine" });
    expect(found?.pods).toEqual([{ name: "fine-0", phase: "Running", ready: true, restarts: 0 }]);
    expect(found?.logs).toEqual([]);
  }, 60_000);

  it("a failed Job: the wait fails, and its diagnosis shows the pod's exit and its log", async () => {
    const err = await failure(kubectlWaitJob.run(lab.ctx(), { name: "migrate", timeout: "20s" }));
    expect(err.code).toBe("job-failed");
    const found = await kubectlWaitJob.diagnose?.(lab.ctx(), { name: "migrate" });
    const pod = found?.pods[0];
    expect(pod?.name).toMatch(/^migrate-/);
    expect(pod).toMatchObject({ phase: "Failed", ready: false, lastExit: "exit 1 (Error)" });
    expect(found?.logs[0]?.lines.at(-1)).toMatch(/^migrate-[a-z0-9-]+: simulated failure$/);
  }, 60_000);

  it("a structured log line reads as its level, message and error", () => {
    expect(
      readable(
        '{"level":"error","msg":"migration failed","error":"relation \\"public.folders\\" does not exist"}',
      ),
    ).toBe('error migration failed: relation "public.folders" does not exist');
    expect(readable('{"severity":"warn","message":"slow"}')).toBe("warn slow");
    expect(readable("plain line")).toBe("plain line");
    expect(readable('{"no":"message"}')).toBe('{"no":"message"}');
  });
});
