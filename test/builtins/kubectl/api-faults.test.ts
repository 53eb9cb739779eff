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
import { statefulSetYaml } from "../../lab/kube/workload-yaml.js";
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
