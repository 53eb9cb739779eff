// @kubernetes/client-node against the stand-in: list, watch, patch (merge, strategic, server-side apply), informer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { eventually, freshNamespace, KRYTON } from "./helpers.js";

let h: KubeHarness;
type ClientNode = typeof import("@kubernetes/client-node");
let k8s: ClientNode;
const aborts: AbortController[] = [];

beforeAll(async () => {
  k8s = await import("@kubernetes/client-node");
  h = await startKubeHarness({ customResources: [KRYTON] });
});

afterAll(async () => {
  for (const a of aborts) a.abort();
  await h?.stop();
});

function config() {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(h.kubeconfig);
  return kc;
}

describe("client-node against the stand-in", () => {
  it("lists with a label selector and reads a missing object as 404", async () => {
    await freshNamespace(h, "cn-list");
    const core = config().makeApiClient(k8s.CoreV1Api);
    for (const name of ["one", "two"]) {
      await core.createNamespacedConfigMap({
        namespace: "cn-list",
        body: { metadata: { name, labels: { pick: name === "two" ? "yes" : "no" } }, data: { k: name } },
      });
    }
    const all = await core.listNamespacedConfigMap({ namespace: "cn-list" });
    expect(all.items.map((c) => c.metadata?.name)).toEqual(["one", "two"]);
    const picked = await core.listNamespacedConfigMap({ namespace: "cn-list", labelSelector: "pick=yes" });
    expect(picked.items.map((c) => c.data?.k)).toEqual(["two"]);
    await expect(core.readNamespacedConfigMap({ namespace: "cn-list", name: "three" })).rejects.toMatchObject(
      { code: 404 },
    );
  });

  it("watches events from a resourceVersion and sees ADDED, MODIFIED and DELETED", async () => {
    await freshNamespace(h, "cn-watch");
    const kc = config();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: "cn-watch" });
    const seen: string[] = [];
    const abort = await new k8s.Watch(kc).watch(
      "/api/v1/namespaces/cn-watch/configmaps",
      { resourceVersion: list.metadata?.resourceVersion ?? "0" },
      (phase, obj: { metadata: { name: string } }) => seen.push(`${phase} ${obj.metadata.name}`),
      () => undefined,
    );
    aborts.push(abort);
    await core.createNamespacedConfigMap({
      namespace: "cn-watch",
      body: { metadata: { name: "w" }, data: { a: "1" } },
    });
    await core.patchNamespacedConfigMap(
      { namespace: "cn-watch", name: "w", body: { data: { a: "2" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: "cn-watch", name: "w" });
    await eventually(() => (seen.length >= 3 ? true : undefined));
    abort.abort();
    expect(seen).toEqual(["ADDED w", "MODIFIED w", "DELETED w"]);
  });

  it("patches a custom resource and a deployment (merge, strategic, server-side apply)", async () => {
    await freshNamespace(h, "cn-patch");
    const kc = config();
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: "cn-patch",
      body: {
        metadata: { name: "kryton" },
        spec: {
          selector: { matchLabels: { app: "kryton" } },
          template: {
            metadata: { labels: { app: "kryton" } },
            spec: {
              containers: [
                { name: "app", image: "registry.example/kryton:1.0.0", env: [{ name: "A", value: "1" }] },
              ],
            },
          },
        },
      },
    });
    await objects.create({
      apiVersion: "kryton.io/v1",
      kind: "Kryton",
      metadata: { name: "kryton", namespace: "cn-patch" },
      spec: { version: "1.0.0" },
    });
    await objects.patch(
      {
        apiVersion: "kryton.io/v1",
        kind: "Kryton",
        metadata: { name: "kryton", namespace: "cn-patch" },
        spec: { version: "1.1.0" },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    const done = await eventually(async () => {
      const cr = (await objects.read({
        apiVersion: "kryton.io/v1",
        kind: "Kryton",
        metadata: { name: "kryton", namespace: "cn-patch" },
      })) as {
        status?: { observedVersion?: string };
      };
      return cr.status?.observedVersion === "1.1.0" ? cr : undefined;
    });
    expect(done.status?.observedVersion).toBe("1.1.0");
    // Strategic merge: the env list merges by name.
    await apps.patchNamespacedDeployment(
      {
        namespace: "cn-patch",
        name: "kryton",
        body: {
          spec: { template: { spec: { containers: [{ name: "app", env: [{ name: "B", value: "2" }] }] } } },
        },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch),
    );
    const dep = await apps.readNamespacedDeployment({ namespace: "cn-patch", name: "kryton" });
    expect(dep.spec?.template.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(["A", "B"]);
    expect(dep.spec?.template.spec?.containers[0]?.image).toBe("registry.example/kryton:1.1.0");
    // Server-side apply by a field manager creates, then drops what it stops applying.
    const cm = (data: Record<string, string>) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "applied", namespace: "cn-patch" },
      data,
    });
    await objects.patch(
      cm({ a: "1", b: "2" }),
      undefined,
      undefined,
      "rbx",
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    const after = await objects.patch(
      cm({ a: "3" }),
      undefined,
      undefined,
      "rbx",
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((after as { data?: Record<string, string> }).data).toEqual({ a: "3" });
  });

  it("reads a Job pod's logs as text", async () => {
    await freshNamespace(h, "cn-logs");
    const kc = config();
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await batch.createNamespacedJob({
      namespace: "cn-logs",
      body: {
        metadata: { name: "mig" },
        spec: {
          template: {
            spec: { restartPolicy: "Never", containers: [{ name: "mig", image: "registry.example/mig:1" }] },
          },
        },
      },
    });
    await eventually(async () =>
      (await batch.readNamespacedJob({ namespace: "cn-logs", name: "mig" })).status?.succeeded === 1
        ? true
        : undefined,
    );
    const pods = await core.listNamespacedPod({ namespace: "cn-logs", labelSelector: "job-name=mig" });
    expect(pods.items).toHaveLength(1);
    const name = pods.items[0]?.metadata?.name ?? "";
    const all = await core.readNamespacedPodLog({ namespace: "cn-logs", name, container: "mig" });
    expect(String(all)).toBe(`starting registry.example/mig:1\n${name}: done\n`);
    const last = await core.readNamespacedPodLog({ namespace: "cn-logs", name, tailLines: 1 });
    expect(String(last)).toBe(`${name}: done\n`);
  });

  it("keeps an informer's cache in step through list and watch", async () => {
    await freshNamespace(h, "cn-inform");
    const kc = config();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/cn-inform/secrets", () =>
      core.listNamespacedSecret({ namespace: "cn-inform" }),
    );
    await informer.start();
    try {
      await core.createNamespacedSecret({
        namespace: "cn-inform",
        body: { metadata: { name: "s1" }, stringData: { token: "x" } },
      });
      const cached = await eventually(() => informer.get("s1", "cn-inform"));
      expect(cached.data?.token).toBe(Buffer.from("x").toString("base64"));
      expect(cached.stringData).toBeUndefined();
    } finally {
      await informer.stop();
    }
  });
});
