// helm's own waits when the API falters, on Helm 3 and Helm 4: a 3 s outage during `--wait` is ridden out by helm
// itself; an outage past helm's --timeout fails with an unreachable cause (never a plain helm-failed), so the
// interpreter does not roll back into it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmUpgrade } from "../../../src/builtins/helm/upgrade.js";
import { classifyCode } from "../../../src/contract/failure.js";
import { failure } from "../context.js";
import { fixtures, type KubeLab, startKubeLab } from "../kube-lab.js";

const chart = `${fixtures}/charts/app`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ["Helm 3", "helm3" as const],
  ["Helm 4", "helm4" as const],
])("helm upgrade --wait on %s while the API is down", (_name, which) => {
  let lab: KubeLab;
  const ctx = () => lab.ctx(lab.tools[which]);
  const base = { release: "shop", chart, wait: true, set: { "migration.enabled": false } };
  beforeAll(async () => {
    lab = await startKubeLab();
    await helmUpgrade.run(ctx(), { ...base, install: true, timeout: "60s" });
  }, 120_000);
  afterAll(async () => {
    await lab?.harness.standIn.api.start();
    await lab?.stop();
  });

  it("rides out a 3 s outage during its wait", async () => {
    const started = Date.now();
    const upgrading = helmUpgrade.run(ctx(), {
      ...base,
      timeout: "60s",
      set: { ...base.set, fault: "slow", message: "v2" },
    });
    await sleep(1500);
    await lab.harness.standIn.api.stop();
    await sleep(3000);
    await lab.harness.standIn.api.start();
    const out = await upgrading;
    expect(out.status).toBe("deployed");
    expect(Date.now() - started).toBeGreaterThan(4000);
  }, 120_000);

  it("an outage past its --timeout fails as unreachable, saying the API does not answer", async () => {
    const upgrading = failure(
      helmUpgrade.run(ctx(), { ...base, timeout: "6s", set: { ...base.set, fault: "slow", message: "v3" } }),
    );
    await sleep(1500);
    await lab.harness.standIn.api.stop();
    try {
      const err = await upgrading;
      expect(classifyCode(err.code).category).toBe("unreachable");
      if (which === "helm3")
        expect(err.message).toMatch(
          /context deadline exceeded .*— the Kubernetes API does not answer now \(connection refused\)$/,
        );
    } finally {
      await lab.harness.standIn.api.start();
    }
  }, 120_000);
});
