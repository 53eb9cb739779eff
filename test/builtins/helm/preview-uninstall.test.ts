// helm.preview (a dry run that changes nothing) and helm.uninstall (the undo of an install), on Helm 3 and 4.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmHistory } from "../../../src/builtins/helm/history.js";
import { helmPreview } from "../../../src/builtins/helm/preview.js";
import { coalesceValues } from "../../../src/builtins/helm/rendered-objects.js";
import { helmUninstall } from "../../../src/builtins/helm/uninstall.js";
import { helmUpgrade } from "../../../src/builtins/helm/upgrade.js";
import { failure, planContext } from "../context.js";
import { fixtures, type KubeLab, startKubeLab } from "../kube-lab.js";

const chart = `${fixtures}/charts/app`;

describe("coalesceValues", () => {
  it("merges maps key by key, replaces anything else, and deletes a default the user sets to null", () => {
    expect(
      coalesceValues(
        { image: { repository: "r", tag: "1" }, replicas: 2, list: [1, 2], gone: { a: 1 } },
        { image: { tag: "2" }, list: [3], gone: null, extra: true },
      ),
    ).toEqual({ image: { repository: "r", tag: "2" }, replicas: 2, list: [3], extra: true });
  });
});

describe.each([
  ["Helm 3", "helm3" as const, 3],
  ["Helm 4", "helm4" as const, 4],
])("helm.preview and helm.uninstall on %s against the lab", (_name, which, major) => {
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

  it("previews an install of an absent release: objects, hooks, images, computed values; nothing is installed", async () => {
    const out = await helmPreview.run(ctx(), {
      release: "shop",
      chart,
      install: true,
      set: { replicas: 3 },
      setString: { "migration.hooks": "post-install,pre-upgrade" },
    });
    expect(out).toMatchObject({
      release: "shop",
      namespace: "apps",
      revision: 1,
      chart: { name: "app", version: "1.2.0", appVersion: "2.0.0", dependencies: [] },
      deployments: { "shop-api": "apps" },
      images: ["registry.example/app-migrate:2.0.0", "registry.example/app:2.0.0"],
    });
    expect(out.values).toMatchObject({ replicas: 3, message: "hello", image: { tag: "2.0.0" } });
    expect(out.objects).toEqual([
      expect.objectContaining({ kind: "Deployment", name: "shop-api", hookEvents: [], hookWeight: 0 }),
      expect.objectContaining({
        kind: "Job",
        name: "shop-migration-1",
        namespace: "apps",
        hookEvents: ["post-install", "pre-upgrade"],
        hookWeight: 5,
        images: ["registry.example/app-migrate:2.0.0"],
      }),
    ]);
    expect((await failure(helmHistory.run(ctx(), { release: "shop" }))).code).toBe("release-not-found");
  });

  it("previews an upgrade with values files and --set over the deployed release without touching it", async () => {
    await helmUpgrade.run(ctx(), { release: "shop", chart, install: true, wait: true, timeout: "60s" });
    const out = await helmPreview.run(ctx(), {
      release: "shop",
      chart,
      values: [`${fixtures}/values/first.yaml`, `${fixtures}/values/second.yaml`],
      set: { "image.tag": "2.1.0", "migration.enabled": false },
    });
    expect(out.revision).toBe(2);
    expect(out.values).toMatchObject({ message: "from-second-file", replicas: 1, image: { tag: "2.1.0" } });
    expect(out.images).toEqual(["registry.example/app:2.1.0"]);
    expect(out.objects.map((o) => o.kind)).toEqual(["Deployment"]);
    const history = await helmHistory.run(ctx(), { release: "shop" });
    expect(history.rows.map((r) => [r.revision, r.status])).toEqual([[1, "deployed"]]);
  });

  it("uninstalls with --wait; the probe tells not-done from done; a second uninstall finds nothing", async () => {
    const before = await helmUninstall.before?.(ctx(), { release: "shop" });
    expect(before).toEqual({ revision: 1 });
    expect(await helmUninstall.probe?.(ctx(), { release: "shop" }, before)).toEqual({ state: "not-done" });
    const out = await helmUninstall.run(ctx(), { release: "shop", wait: true, timeout: "60s" });
    expect(out).toEqual({ release: "shop", uninstalled: true, lastRevision: 1 });
    expect(await helmUninstall.probe?.(ctx(), { release: "shop" }, before)).toEqual({
      state: "done",
      output: { release: "shop", uninstalled: true, lastRevision: 1 },
    });
    expect((await failure(helmHistory.run(ctx(), { release: "shop" }))).code).toBe("release-not-found");
    expect((await failure(helmUninstall.run(ctx(), { release: "shop" }))).code).toBe("release-not-found");
    expect(await helmUninstall.run(ctx(), { release: "shop", ignoreNotFound: true })).toEqual({
      release: "shop",
      uninstalled: false,
      lastRevision: 0,
    });
  });

  it("plans the exact commands with the flags of this Helm major", () => {
    const preview = helmPreview.plan(
      { release: "shop", chart: "./chart", version: "1.2.0", values: ["site.yaml"] },
      planContext(lab.conns(helm)),
    );
    expect(preview[0]?.text).toBe(
      `${helm} upgrade shop ./chart --version 1.2.0 --values site.yaml --timeout 5m0s --output json ` +
        `--dry-run=client --hide-secret --kubeconfig ${lab.harness.kubeconfig} --namespace apps`,
    );
    const uninstall = helmUninstall.plan(
      { release: "shop", wait: true, timeout: "2m" },
      planContext(lab.conns(helm)),
    );
    expect(uninstall[0]?.text).toBe(
      `${helm} uninstall shop ${major === 4 ? "--wait=watcher" : "--wait"} --timeout 2m0s ` +
        `--kubeconfig ${lab.harness.kubeconfig} --namespace apps`,
    );
  });
});
