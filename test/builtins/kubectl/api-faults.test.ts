// The waiting kubectl actions against a stand-in whose API is stopped, hung or rejects the token: a blip is
// ridden out inside the wait's timeout, an outage past it says the API never answered, a 401 fails at once.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCert } from "../../../lab/kube/tls.js";
import { kubectlGet } from "../../../src/builtins/kubectl/get.js";
import { kubectlRolloutStatus } from "../../../src/builtins/kubectl/rollout-status.js";
import { kubectlWaitJob } from "../../../src/builtins/kubectl/wait-job.js";
import { classifyCode, targetUnavailable } from "../../../src/contract/failure.js";
import { startRun } from "../../../src/run/sessions/start-run.js";
import { statefulSetYaml } from "../../lab/kube/workload-yaml.js";
import { Harness } from "../../run/harness.js";
import { connections, failure, testContext } from "../context.js";
import { type KubeLab, startKubeLab } from "../kube-lab.js";

const run = promisify(execFile);

describe("kubectl waits when the API falters (stand-in with a token)", () => {
  let lab: KubeLab;
  const apply = async (manifest: string) => {
    const child = run(lab.tools.kubectl, ["apply", "-f", "-", "--kubeconfig", lab.harness.kubeconfig], {
      env: lab.env,
    });
    child.child.stdin?.end(manifest);
    await child;
  };

  beforeAll(async () => {
    // kubeconfigText carries "lab-token": the API accepts exactly that (over HTTPS: clients send tokens only
    // over TLS).
    lab = await startKubeLab({ token: "lab-token", tls: await selfSignedCert() });
    await apply(statefulSetYaml("apps", "db", { replicas: 1 }));
  });
  afterAll(async () => {
    await lab?.harness.standIn.api.start();
    await lab?.stop();
  });

  it("rides out an API stopped for 3 s mid-wait, saying so, and completes", async () => {
    const c = lab.ctx();
    await lab.harness.standIn.api.stop();
    const restart = setTimeout(() => void lab.harness.standIn.api.start(), 3_000);
    try {
      const out = await kubectlRolloutStatus.run(c, {
        kind: "statefulset",
        name: "db",
        timeout: "30s",
        pollInterval: "200ms",
      });
      expect(out.readyReplicas).toBe(1);
    } finally {
      clearTimeout(restart);
      await lab.harness.standIn.api.start();
    }
    const progress = c.lines.filter((l) => l.startsWith("progress:"));
    expect(
      progress.some((l) => /the Kubernetes API unreachable for \d+ s \(connection refused\)/.test(l)),
    ).toBe(true);
    expect(progress.some((l) => /the Kubernetes API answers again after \d+ s/.test(l))).toBe(true);
  }, 60_000);

  it("an API down past the timeout fails as unreachable, saying it never answered", async () => {
    await lab.harness.standIn.api.stop();
    try {
      const err = await failure(
        kubectlRolloutStatus.run(lab.ctx(), { kind: "statefulset", name: "db", timeout: "3s" }),
      );
      expect(err.code).toBe("connection-refused");
      expect(err.message).toBe(
        "statefulset apps/db did not roll out within 3s: the Kubernetes API never answered (connection refused)",
      );
      expect(targetUnavailable(classifyCode(err.code))).toBe(true);
    } finally {
      await lab.harness.standIn.api.start();
    }
  }, 30_000);

  it("a hung API (accepts, never answers) fails with no-answer at the deadline, not a silent timeout", async () => {
    await lab.harness.standIn.api.hang();
    try {
      const c = lab.ctx();
      const started = Date.now();
      const err = await failure(
        kubectlWaitJob.run(c, { name: "never", timeout: "4s", pollInterval: "200ms" }),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(err.code).toBe("no-answer");
      expect(err.message).toMatch(
        /job apps\/never did not finish within 4s: the Kubernetes API never answered \(no answer\)/,
      );
      expect(c.lines.some((l) => /the Kubernetes API unreachable for \d+ s \(no answer\)/.test(l))).toBe(
        true,
      );
    } finally {
      await lab.harness.standIn.api.start();
    }
  }, 30_000);

  it("a step polling kubectl.get with retry rides out an API stopped for 3 s and completes once the object is there", async () => {
    const h = new Harness();
    /** A runbook polling for ConfigMap `name` to appear (`optional`: missing is found=false, not an error). */
    const poll = (name: string, optional: boolean) =>
      h.write(
        `${name}.rb.yaml`,
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ${name}, version: 1.0.0 }
connections:
  cluster: { kind: kubernetes, kubeconfig: "${lab.harness.kubeconfig}", namespace: apps }
phases:
  - id: one
    steps:
      - id: config
        action: kubectl.get
        with: { kind: ConfigMap, name: ${name}, optional: ${optional} }
        retry: { until: "output.found", every: 200ms, maxEvery: 500ms, attempts: 100, timeout: 30s }
`,
      );
    try {
      await lab.harness.standIn.api.stop();
      const later = (async () => {
        await new Promise((r) => setTimeout(r, 3_000));
        await lab.harness.standIn.api.start();
        await new Promise((r) => setTimeout(r, 1_000));
        await apply(
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: apps}\ndata: {a: b}\n",
        );
      })();
      const r = await startRun(poll("late", true), { cli: new Map() }, undefined, h.opts({ env: lab.env }));
      await later;
      const read = await h.store.read(r.runId as string);
      const steps = read.events.filter((e) => e.type.startsWith("step."));
      expect(r.status, JSON.stringify(steps.slice(-3))).toBe("completed");
      const failed = steps.flatMap((e) =>
        e.type === "step.attempt-failed" ? [e.error.code ?? e.error.kind] : [],
      );
      // Refused while the API was down, then not there yet, then found.
      expect(failed).toContain("connection-refused");
      expect(steps.some((e) => e.type === "step.failed")).toBe(false);

      // Without optional, a missing object is not-found: permanent, the step fails at its first attempt.
      const missing = await startRun(
        poll("never", false),
        { cli: new Map() },
        undefined,
        h.opts({ env: lab.env }),
      );
      const events = (await h.store.read(missing.runId as string)).events;
      const lastFailure = events.findLast((e) => e.type === "step.failed");
      expect(lastFailure).toMatchObject({ attempt: 1, error: { code: "not-found", retryable: false } });
    } finally {
      await lab.harness.standIn.api.start();
      h.cleanup();
    }
  }, 60_000);

  it("objects survive a stop and start of the API", async () => {
    await lab.harness.standIn.api.stop();
    await lab.harness.standIn.api.start();
    const out = await kubectlGet.run(lab.ctx(), { kind: "StatefulSet", name: "db" });
    expect(out.found).toBe(true);
  });

  it("a rejected token fails at once as unauthenticated (permanent), never ridden out", async () => {
    const bad = join(lab.harness.dir, "kubeconfig-bad");
    const good = readFileSync(lab.harness.kubeconfig, "utf8");
    writeFileSync(bad, good.replace("token: lab-token", "token: wrong-token"), { mode: 0o600 });
    const c = testContext(connections({ cluster: ["kubernetes", { kubeconfig: bad, namespace: "apps" }] }), {
      env: lab.env,
    });
    const started = Date.now();
    const err = await failure(
      kubectlRolloutStatus.run(c, { kind: "statefulset", name: "db", timeout: "30s" }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe("unauthenticated");
    expect(err.message).toContain("(HTTP 401) — the API rejects the kubeconfig's credentials");
    expect(classifyCode(err.code)).toEqual({ category: "unauthenticated", retryable: false });
  });
});
