import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmUpgrade } from "../../../src/builtins/helm/upgrade.js";
import { kubectlGet } from "../../../src/builtins/kubectl/get.js";
import { kubectlLogs } from "../../../src/builtins/kubectl/logs.js";
import { kubectlPatch } from "../../../src/builtins/kubectl/patch.js";
import { kubectlRolloutStatus } from "../../../src/builtins/kubectl/rollout-status.js";
import { kubectlWaitJob } from "../../../src/builtins/kubectl/wait-job.js";
import { failure, planContext } from "../context.js";
import { fixtures, type KubeLab, startKubeLab } from "../kube-lab.js";

const run = promisify(execFile);
const chart = `${fixtures}/charts/app`;

describe("kubectl.* through client-node against the lab", () => {
  let lab: KubeLab;
  const ctx = (extra = {}) => lab.ctx(undefined, extra);
  // The real kubectl, to set up objects the way an operator would.
  const kubectl = async (args: string[], input?: string) => {
    const child = run(lab.tools.kubectl, [...args, "--kubeconfig", lab.harness.kubeconfig, "-n", "apps"], {
      env: lab.env,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };
  const job = (name: string, fault = "") =>
    JSON.stringify({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, labels: { suite: "migrations" } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: fault ? { annotations: { "lab.rbx.dev/fault": fault } } : {},
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "migrate", image: `registry.example/${name}:1` }],
          },
        },
      },
    });

  beforeAll(async () => {
    lab = await startKubeLab({
      customResources: [
        {
          group: "kryton.io",
          version: "v1alpha1",
          kind: "Kryton",
          plural: "krytons",
          operator: { deployment: "{name}-api" },
        },
      ],
    });
    await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      install: true,
      set: { "migration.enabled": false },
      timeout: "60s",
    });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it("waits for a deployment to roll out, with kubectl's progress messages", async () => {
    const c = ctx();
    const out = await kubectlRolloutStatus.run(c, {
      name: "shop-api",
      timeout: "60s",
      pollInterval: "100ms",
    });
    expect(out).toMatchObject({
      kind: "Deployment",
      name: "shop-api",
      namespace: "apps",
      replicas: 2,
      availableReplicas: 2,
    });
    expect(out.message).toBe('deployment "shop-api" successfully rolled out');
    expect(out.revision).toBe("1");
  });

  it("fails a rollout that exceeds its progress deadline, naming the pods that are not ready", async () => {
    await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      set: { fault: "never-ready", progressDeadlineSeconds: 1, "migration.enabled": false },
      timeout: "60s",
    });
    const c = ctx();
    const err = await failure(
      kubectlRolloutStatus.run(c, { name: "shop-api", timeout: "60s", pollInterval: "200ms" }),
    );
    expect(err.code).toBe("progress-deadline-exceeded");
    expect(err.message).toMatch(/deployment "shop-api" exceeded its progress deadline/);
    expect(err.message).toMatch(/Pods not ready:\n {2}shop-api-/);
    expect(c.lines.some((l) => /progress: Waiting for deployment "shop-api" rollout to finish/.test(l))).toBe(
      true,
    );
  });

  it("times out a rollout that never becomes ready, and stops when interrupted", async () => {
    await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      set: {
        fault: "crash-loop",
        progressDeadlineSeconds: 600,
        "migration.enabled": false,
        "image.tag": "2.0.1",
      },
      timeout: "60s",
    });
    const err = await failure(
      kubectlRolloutStatus.run(ctx(), { name: "shop-api", timeout: "2s", pollInterval: "200ms" }),
    );
    expect(err.code).toBe("rollout-timeout");
    expect(err.message).toMatch(/did not roll out within 2s/);
    expect(err.message).toMatch(/Pods not ready:/);
    const controller = new AbortController();
    const running = failure(
      kubectlRolloutStatus.run(ctx({ signal: controller.signal }), {
        name: "shop-api",
        pollInterval: "200ms",
      }),
    );
    setTimeout(() => controller.abort(new Error("SIGINT")), 300);
    expect((await running).code).toBe("interrupted");
    await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      set: { "migration.enabled": false },
      wait: true,
      timeout: "60s",
    });
  });

  it("waits for jobs to complete, and captures a failed job's logs", async () => {
    await kubectl(["apply", "-f", "-"], job("db-migrate"));
    const ok = await kubectlWaitJob.run(ctx(), { name: "db-migrate", timeout: "30s", pollInterval: "100ms" });
    expect(ok.status).toBe("complete");
    expect(ok.jobs).toEqual([
      expect.objectContaining({ name: "db-migrate", status: "complete", succeeded: 1 }),
    ]);

    await kubectl(["apply", "-f", "-"], job("auth-migration", "fail"));
    const err = await failure(
      kubectlWaitJob.run(ctx(), { selector: "suite=migrations", timeout: "30s", pollInterval: "100ms" }),
    );
    expect(err.code).toBe("job-failed");
    expect(err.message).toMatch(/auth-migration: BackoffLimitExceeded/);
    expect(err.message).toMatch(/==> auth-migration-\S+\/migrate <==\n[\s\S]*simulated failure/);
    const kept = await kubectlWaitJob.run(ctx(), {
      name: "auth-migration",
      allowFailure: true,
      timeout: "30s",
      pollInterval: "100ms",
    });
    expect(kept.status).toBe("failed");
    expect(kept.logs[0]?.text).toMatch(/simulated failure/);
    const missing = await failure(
      kubectlWaitJob.run(ctx(), { name: "never-created", timeout: "1s", pollInterval: "100ms" }),
    );
    expect(missing.code).toBe("job-timeout");
  });

  it("tails logs of a job's pods, a pod by name, or a selector", async () => {
    const byJob = await kubectlLogs.run(ctx(), { job: "db-migrate", tail: 10 });
    expect(byJob.logs[0]).toMatchObject({ container: "migrate" });
    expect(byJob.text).toMatch(/starting registry.example\/db-migrate:1/);
    const bySelector = await kubectlLogs.run(ctx(), {
      selector: "app.kubernetes.io/component=api",
      container: "api",
      tail: 5,
    });
    expect(bySelector.logs.length).toBe(2);
    const pod = bySelector.logs[0]?.pod ?? "";
    const byName = await kubectlLogs.run(ctx({ secrets: ["registry.example"] }), { pod, tail: 50 });
    expect(byName.text).toContain("***");
    expect(byName.text).not.toContain("registry.example");
    const none = await failure(kubectlLogs.run(ctx(), { selector: "app=nothing" }));
    expect(none.code).toBe("no-pods");
  });

  it("gets an object, a list by selector, masks Secret values, and reports a missing object", async () => {
    const dep = await kubectlGet.run(ctx(), { kind: "deployment", name: "shop-api" });
    expect(dep.found).toBe(true);
    expect((dep.object?.spec as { replicas?: number } | undefined)?.replicas).toBe(2);
    const pods = await kubectlGet.run(ctx(), { kind: "pods", selector: "app.kubernetes.io/instance=shop" });
    expect(pods.count).toBe(2);
    await kubectl([
      "create",
      "secret",
      "generic",
      "dsn",
      "--from-literal=DATABASE_URL=postgres://u:pw-123@db/app",
    ]);
    const secret = await kubectlGet.run(ctx(), { kind: "Secret", name: "dsn" });
    expect(secret.object?.data).toEqual({ DATABASE_URL: "***" });
    expect(JSON.stringify(secret)).not.toContain(
      Buffer.from("postgres://u:pw-123@db/app").toString("base64"),
    );
    const gone = await kubectlGet.run(ctx(), { kind: "Secret", name: "nope", optional: true });
    expect(gone).toEqual({ found: false, count: 0, object: null, items: [] });
    const err = await failure(kubectlGet.run(ctx(), { kind: "Secret", name: "nope" }));
    expect(err.code).toBe("not-found");
    const unknown = await failure(kubectlGet.run(ctx(), { kind: "Widget" }));
    expect(unknown.code).toBe("unknown-kind");
  });

  it("merge-patches a custom resource and waits for status.observedVersion", async () => {
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "kryton.io/v1alpha1",
        kind: "Kryton",
        metadata: { name: "shop" },
        spec: { version: "2.0.0" },
      }),
    );
    const args = {
      kind: "Kryton",
      apiVersion: "kryton.io/v1alpha1",
      name: "shop",
      patch: { spec: { version: "2.1.0" } },
      waitFor: { field: "status.observedVersion", equals: "2.1.0", timeout: "60s", pollInterval: "100ms" },
    };
    const before = await kubectlPatch.before?.(ctx(), args);
    expect(before).toMatchObject({ alreadyPatched: false });
    expect(await kubectlPatch.probe?.(ctx(), args, before)).toEqual({ state: "not-done" });
    const c = ctx();
    const out = await kubectlPatch.run(c, args);
    expect(out.observed).toBe("2.1.0");
    expect((out.object.spec as { version: string }).version).toBe("2.1.0");
    expect(c.lines.some((l) => l.includes('waiting for "2.1.0"'))).toBe(true);
    expect(await kubectlPatch.probe?.(ctx(), args, before)).toEqual({ state: "done" });
    const image = await kubectlGet.run(ctx(), { kind: "Deployment", name: "shop-api" });
    expect(JSON.stringify(image.object)).toContain("registry.example/app:2.1.0");

    const stuck = await failure(
      kubectlPatch.run(ctx(), {
        ...args,
        patch: { spec: { version: "9.9.9" } },
        waitFor: { field: "status.observedVersion", equals: "9.9.8", timeout: "1s", pollInterval: "100ms" },
      }),
    );
    expect(stuck.code).toBe("wait-timeout");
    expect(stuck.message).toMatch(/status.observedVersion is .*, not "9.9.8"/);
  });

  it("plans the equivalent kubectl commands", () => {
    const conns = lab.conns();
    expect(
      kubectlRolloutStatus.plan({ name: "api-platform", timeout: "10m" }, planContext(conns))[0]?.text,
    ).toBe(
      "kubectl rollout status deployment/api-platform -n apps --timeout=10m0s  # via the Kubernetes API",
    );
    expect(
      kubectlPatch.plan(
        { kind: "kryton", name: "kryton-prod", patch: { spec: { version: "4.6.4" } } },
        planContext(conns),
      )[0]?.text,
    ).toBe(`kubectl patch kryton/kryton-prod -n apps --type merge -p '{"spec":{"version":"4.6.4"}}'`);
  });
});
