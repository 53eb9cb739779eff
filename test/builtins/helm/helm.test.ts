import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FailedHook } from "../../../src/builtins/helm/failed-hooks.js";
import { helmHistory } from "../../../src/builtins/helm/history.js";
import { helmList } from "../../../src/builtins/helm/list.js";
import { helmRollback } from "../../../src/builtins/helm/rollback.js";
import { helmStatus } from "../../../src/builtins/helm/status.js";
import { helmUpgrade } from "../../../src/builtins/helm/upgrade.js";
import { helmValues } from "../../../src/builtins/helm/values.js";
import { failure, planContext } from "../context.js";
import { fixtures, type KubeLab, startKubeLab } from "../kube-lab.js";

const chart = `${fixtures}/charts/app`;

describe.each([
  ["Helm 3", "helm3" as const, 3],
  ["Helm 4", "helm4" as const, 4],
])("helm.* on %s against the lab", (_name, which, major) => {
  let lab: KubeLab;
  let helm: string;
  const ctx = () => lab.ctx(helm);
  beforeAll(async () => {
    lab = await startKubeLab();
    helm = lab.tools[which];
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it("installs, upgrades with values files in order and --set, and reports history, status, list and values", async () => {
    const installed = await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      install: true,
      wait: true,
      timeout: "60s",
    });
    expect(installed).toMatchObject({
      release: "shop",
      namespace: "apps",
      revision: 1,
      previousRevision: 0,
      status: "deployed",
      chart: "app-1.2.0",
      appVersion: "2.0.0",
      helmMajor: major,
    });
    expect(installed.hooks).toEqual([
      {
        name: "shop-migration-1",
        kind: "Job",
        events: ["pre-upgrade"],
        weight: 5,
        phase: "",
        startedAt: "",
        completedAt: "",
      },
    ]);
    const upgraded = await helmUpgrade.run(ctx(), {
      release: "shop",
      chart,
      values: [`${fixtures}/values/first.yaml`, `${fixtures}/values/second.yaml`],
      set: { "image.tag": "2.1.0", note: "a,b" },
      setString: { "migration.fault": "" },
      wait: true,
      timeout: "60s",
    });
    expect(upgraded).toMatchObject({ revision: 2, previousRevision: 1, status: "deployed" });
    expect(upgraded.hooks).toEqual([
      expect.objectContaining({
        name: "shop-migration-2",
        kind: "Job",
        events: ["pre-upgrade"],
        phase: "Succeeded",
      }),
    ]);
    expect(upgraded.hooks[0]?.completedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const values = await helmValues.run(ctx(), { release: "shop" });
    expect(values.values).toMatchObject({
      message: "from-second-file",
      replicas: 1,
      image: { tag: "2.1.0" },
      note: "a,b",
    });
    const all = await helmValues.run(ctx(), { release: "shop", all: true });
    expect(all.values).toMatchObject({ migration: { enabled: true } });

    const history = await helmHistory.run(ctx(), { release: "shop" });
    expect(history.rows.map((r) => [r.revision, r.status])).toEqual([
      [1, "superseded"],
      [2, "deployed"],
    ]);
    expect(history.current).toMatchObject({ revision: 2, chart: "app-1.2.0", app_version: "2.0.0" });
    expect(history.latest.revision).toBe(2);

    const status = await helmStatus.run(ctx(), { release: "shop" });
    expect(status).toMatchObject({ release: "shop", namespace: "apps", revision: 2, status: "deployed" });
    const list = await helmList.run(ctx(), {});
    expect(list.rows).toEqual([
      expect.objectContaining({ name: "shop", namespace: "apps", revision: 2, status: "deployed" }),
    ]);
  });

  it("rolls back to a recorded revision, and the probe sees the new revision", async () => {
    const recording = ctx();
    const before = await helmRollback.before?.(recording, { release: "shop", revision: 1 });
    expect(before).toEqual({ revision: 2 });
    // Never a silent wait: recording the revision (helm history, slow when the API is) says what it waits for.
    expect(recording.lines).toContain(
      "progress: recording the current revision of shop (helm history), for the probe",
    );
    expect(await helmRollback.probe?.(ctx(), { release: "shop", revision: 1 }, before)).toEqual({
      state: "not-done",
    });
    const out = await helmRollback.run(ctx(), { release: "shop", revision: 1, wait: true, timeout: "60s" });
    expect(out).toEqual({ release: "shop", revision: 3, rolledBackTo: 1, status: "deployed" });
    expect(await helmRollback.probe?.(ctx(), { release: "shop", revision: 1 }, before)).toMatchObject({
      state: "done",
      output: { revision: 3, rolledBackTo: 1 },
    });
    const missing = await failure(helmRollback.run(ctx(), { release: "shop", revision: 42 }));
    expect(missing.code).toBe("revision-not-found");
  });

  it("fails an upgrade whose pre-upgrade migration hook fails with the job's reason and logs, and the probe does not call it done", async () => {
    const args = { release: "shop", chart, setString: { "migration.fault": "fail" }, timeout: "30s" };
    const before = await helmUpgrade.before?.(ctx(), args);
    // The image name stands in for a secret: hook logs pass through the redactor.
    const err = await failure(helmUpgrade.run(lab.ctx(helm, { secrets: ["app-migrate"] }), args));
    expect(err.code).toBe("helm-failed");
    expect(err.message).toMatch(/pre-upgrade hooks failed/);
    const hooks = err.details?.failedHooks as FailedHook[];
    expect(hooks).toEqual([
      {
        job: "shop-migration-4",
        namespace: "apps",
        events: ["pre-upgrade"],
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
        logs: expect.stringMatching(
          /==> shop-migration-4-\w+\/migrate <==\nstarting registry\.example\/\*\*\*:2\.0\.0\n/,
        ),
      },
    ]);
    expect(hooks[0]?.logs).toMatch(/shop-migration-4-\w+: simulated failure/);
    expect(err.message).toContain(
      "Failed hook job apps/shop-migration-4 (pre-upgrade): BackoffLimitExceeded — Job has reached the specified backoff limit",
    );
    expect(err.message).toMatch(/\n {2}\| shop-migration-4-\w+: simulated failure/);
    expect(err.message).not.toContain("app-migrate");
    const history = await helmHistory.run(ctx(), { release: "shop" });
    expect(history.latest.status).toBe("failed");
    expect(history.current?.revision).toBe(3);
    const probe = await helmUpgrade.probe?.(ctx(), args, before);
    expect(probe?.state).toBe("unknown");
  });

  it("with atomic, rolls back a rollout that never becomes ready", async () => {
    const err = await failure(
      helmUpgrade.run(ctx(), {
        release: "shop",
        chart,
        set: { fault: "never-ready", progressDeadlineSeconds: 2 },
        atomic: true,
        timeout: "15s",
      }),
    );
    expect(err.code).toBe("helm-failed");
    expect(err.message).toMatch(/rolled back|rollback|deadline|timed out|context deadline/i);
    const history = await helmHistory.run(ctx(), { release: "shop" });
    expect(history.latest.status).toBe("deployed");
    expect(history.latest.description).toMatch(/Rollback to/);
  });

  // Poll the newest revision until it reaches `status` (bounded).
  async function waitForStatus(status: string): Promise<string> {
    let latest = "";
    for (let i = 0; i < 150 && latest !== status; i++) {
      latest = (await helmHistory.run(ctx(), { release: "shop", max: 1 })).latest.status;
      if (latest !== status) await new Promise((r) => setTimeout(r, 100));
    }
    return latest;
  }

  it("lets helm finish when the step is interrupted: the release is never left pending by rbx", async () => {
    const controller = new AbortController();
    const c = lab.ctx(helm, { signal: controller.signal });
    const running = failure(
      helmUpgrade.run(c, {
        release: "shop",
        chart,
        set: { fault: "never-ready" },
        wait: true,
        timeout: "6s",
      }),
    );
    expect(await waitForStatus("pending-upgrade")).toBe("pending-upgrade");
    controller.abort(new Error("SIGINT"));
    const err = await running;
    // The step is interrupted at once; helm is not killed midway: it ends by itself (here its own --timeout).
    expect(err.code).toBe("interrupted");
    expect(c.lines.some((l) => l.includes("helm upgrade keeps running until it finishes"))).toBe(true);
    expect(await waitForStatus("failed")).toBe("failed");
  });

  it("refuses to act on a release left pending-upgrade by a killed helm, with the recovery advice", async () => {
    const killed = spawn(
      helm,
      [
        "upgrade",
        "shop",
        chart,
        "--set",
        "fault=never-ready",
        "--wait",
        "--timeout",
        "60s",
        "--kubeconfig",
        lab.harness.kubeconfig,
        "-n",
        "apps",
      ],
      { env: lab.env, stdio: "ignore" },
    );
    try {
      expect(await waitForStatus("pending-upgrade")).toBe("pending-upgrade");
    } finally {
      killed.kill("SIGKILL");
    }
    if (killed.exitCode === null && killed.signalCode === null)
      await new Promise((r) => killed.once("exit", r));
    const refused = await failure(helmUpgrade.run(ctx(), { release: "shop", chart, timeout: "30s" }));
    expect(refused.code).toBe("release-pending");
    expect(refused.message).toMatch(
      /stuck in pending-upgrade at revision \d+.*helm rollback shop \d+ -n apps/,
    );
    const rollbackRefused = await failure(helmRollback.run(ctx(), { release: "shop" }));
    expect(rollbackRefused.code).toBe("release-pending");
    const deployed = (await helmHistory.run(ctx(), { release: "shop" })).current?.revision;
    const recovered = await helmRollback.run(ctx(), {
      release: "shop",
      revision: deployed,
      recoverPending: true,
      wait: true,
      timeout: "30s",
    });
    expect(recovered).toMatchObject({ status: "deployed", rolledBackTo: deployed });
    expect((await helmHistory.run(ctx(), { release: "shop", max: 1 })).latest.status).toBe("deployed");
  });

  it("plans the exact command with the flags of this Helm major", () => {
    const plan = helmUpgrade.plan(
      {
        release: "shop",
        chart: "oci://registry.example/charts/app",
        version: "1.2.0",
        values: ["base.yaml", "tier.yaml"],
        set: { "image.tag": "v1.2.3" },
        atomic: true,
        wait: true,
        timeout: "15m",
      },
      planContext(lab.conns(helm)),
    );
    const flags = major === 4 ? "--wait=watcher --rollback-on-failure" : "--wait --atomic";
    expect(plan[0]?.text).toBe(
      `${helm} upgrade shop oci://registry.example/charts/app --version 1.2.0 --values base.yaml --values tier.yaml ` +
        `--set image.tag=v1.2.3 ${flags} --timeout 15m0s --output json --kubeconfig ${lab.harness.kubeconfig} --namespace apps`,
    );
  });

  it("fails an install whose post-install migration hook fails, with that job's reason and logs", async () => {
    const err = await failure(
      helmUpgrade.run(ctx(), {
        release: "fresh",
        chart,
        install: true,
        setString: { "migration.hooks": "post-install,pre-upgrade", "migration.fault": "fail" },
        timeout: "30s",
      }),
    );
    expect(err.code).toBe("helm-failed");
    expect(err.message).toMatch(/post-install/);
    expect(err.details?.failedHooks).toEqual([
      expect.objectContaining({
        job: "fresh-migration-1",
        events: ["post-install", "pre-upgrade"],
        reason: "BackoffLimitExceeded",
        logs: expect.stringContaining("fresh-migration-1-"),
      }),
    ]);
    expect(err.message).toMatch(
      /Failed hook job apps\/fresh-migration-1 \(post-install,pre-upgrade\): BackoffLimitExceeded/,
    );
    expect(err.message).toMatch(/\| fresh-migration-1-\w+: simulated failure/);
  });
});
