// The real kubectl against the stand-in's StatefulSets: ordered creation, reverse-ordinal updates, partitions, stuck pods.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreEvent } from "../../../lab/kube/store.js";
import type { KObject } from "../../../lab/kube/types.js";
import { type ToolPaths, toolPaths } from "../../../lab/tool-binaries.js";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { freshNamespace, mustRun, runTool } from "./helpers.js";
import { statefulSetYaml } from "./workload-yaml.js";

let h: KubeHarness;
let tools: ToolPaths;

beforeAll(async () => {
  tools = await toolPaths();
  h = await startKubeHarness();
});

afterAll(async () => {
  await h?.stop();
});

const ready = (p: KObject | undefined) =>
  ((p?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );

// Pod events of one namespace, in order, with whether the previous ordinal was Ready when each pod appeared.
function recordPods(ns: string) {
  const events: { type: string; name: string; previousReady: boolean }[] = [];
  const pods = h.standIn.objects.registry.byKind("", "Pod");
  const stop = h.standIn.store.subscribe((ev: StoreEvent) => {
    if (ev.resource !== pods || ev.object.metadata.namespace !== ns || ev.type === "MODIFIED") return;
    const name = ev.object.metadata.name;
    const ordinal = Number(/-(\d+)$/.exec(name)?.[1] ?? "0");
    const prev =
      ordinal > 0 && pods
        ? h.standIn.store.get(pods, ns, name.replace(/\d+$/, String(ordinal - 1)))
        : undefined;
    events.push({ type: ev.type, name, previousReady: ordinal === 0 || ready(prev) });
  });
  return { events, stop };
}

describe("StatefulSets on the stand-in", () => {
  it("creates pods in order, rolls an image change in reverse order, and honours the partition", async () => {
    const env = await freshNamespace(h, "s-roll");
    const k = (...args: string[]) => mustRun(tools.kubectl, ["-n", "s-roll", ...args], env);
    const rec = recordPods("s-roll");
    try {
      await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
        input: statefulSetYaml("s-roll", "db", { replicas: 3 }),
      });
      const first = await k("rollout", "status", "statefulset/db", "--timeout=60s");
      expect(first).toContain("partitioned roll out complete: 3 new pods have been updated...");
      const created = rec.events.filter((e) => e.type === "ADDED");
      expect(created.map((e) => e.name)).toEqual(["db-0", "db-1", "db-2"]);
      // OrderedReady: each pod appeared only once the one before it was Ready.
      expect(created.every((e) => e.previousReady)).toBe(true);

      const sts = JSON.parse(await k("get", "sts", "db", "-o", "json"));
      expect(sts.spec).toMatchObject({
        replicas: 3,
        serviceName: "db",
        podManagementPolicy: "OrderedReady",
        revisionHistoryLimit: 10,
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      });
      const rev1 = sts.status.updateRevision as string;
      expect(rev1).toMatch(/^db-[a-z0-9]{10}$/);
      expect(sts.status).toMatchObject({
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: rev1,
      });
      const pods = JSON.parse(await k("get", "pods", "-l", "app=db", "-o", "json"));
      for (const p of pods.items) {
        expect(p.metadata.labels["controller-revision-hash"]).toBe(rev1);
        expect(p.metadata.labels["statefulset.kubernetes.io/pod-name"]).toBe(p.metadata.name);
        expect(p.spec).toMatchObject({ hostname: p.metadata.name, subdomain: "db", nodeName: "lab-node-1" });
      }

      rec.events.length = 0;
      await k("set", "image", "sts/db", "app=registry.example/db:2.0.0");
      const second = await k("rollout", "status", "statefulset/db", "--timeout=60s");
      expect(second).toContain("partitioned roll out complete: 3 new pods have been updated...");
      // Replaced from the highest ordinal down.
      expect(rec.events.filter((e) => e.type === "DELETED").map((e) => e.name)).toEqual([
        "db-2",
        "db-1",
        "db-0",
      ]);
      const after = JSON.parse(await k("get", "sts", "db", "-o", "json"));
      expect(after.metadata.generation).toBe(2);
      expect(after.status.updateRevision).not.toBe(rev1);
      expect(after.status.currentRevision).toBe(after.status.updateRevision);
      const images = await k(
        "get",
        "pods",
        "-l",
        "app=db",
        "-o",
        "jsonpath={.items[*].spec.containers[0].image}",
      );
      expect(images.split(" ")).toEqual(Array(3).fill("registry.example/db:2.0.0"));
      const revisions = await k("get", "controllerrevisions", "-o", "name");
      expect(revisions.trim().split("\n")).toHaveLength(2);

      // A partition of 2 updates only db-2; the rest stay at the current revision.
      await k("patch", "sts", "db", "-p", '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}');
      await k("set", "image", "sts/db", "app=registry.example/db:3.0.0");
      const partial = await k("rollout", "status", "statefulset/db", "--timeout=60s");
      expect(partial).toContain("partitioned roll out complete: 1 new pods have been updated...");
      const byPod = await k(
        "get",
        "pods",
        "-l",
        "app=db",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image}{"\\n"}{end}',
      );
      expect(byPod.trim().split("\n")).toEqual([
        "db-0=registry.example/db:2.0.0",
        "db-1=registry.example/db:2.0.0",
        "db-2=registry.example/db:3.0.0",
      ]);
      const partitioned = JSON.parse(await k("get", "sts", "db", "-o", "json"));
      expect(partitioned.status.currentRevision).not.toBe(partitioned.status.updateRevision);
      expect(partitioned.status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1 });

      // Scaling down removes the highest ordinals; the human table comes from the server.
      await k("scale", "sts/db", "--replicas=1");
      await k("rollout", "status", "statefulset/db", "--timeout=60s");
      const names = await k("get", "pods", "-l", "app=db", "-o", "name");
      expect(names.trim()).toBe("pod/db-0");
      expect(await k("get", "statefulsets")).toMatch(/^db\s+1\/1\s/m);
    } finally {
      rec.stop();
    }
  });

  it("stops at the first pod that never becomes ready, and rollout status times out", async () => {
    const env = await freshNamespace(h, "s-stuck");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: statefulSetYaml("s-stuck", "db", { replicas: 3, fault: "never-ready" }),
    });
    const r = await runTool(
      tools.kubectl,
      ["-n", "s-stuck", "rollout", "status", "statefulset/db", "--timeout=5s"],
      env,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toContain("Waiting for 3 pods to be ready...");
    expect(r.stderr).toContain("timed out waiting for the condition");
    // OrderedReady never gets past db-0.
    const names = await mustRun(tools.kubectl, ["-n", "s-stuck", "get", "pods", "-o", "name"], env);
    expect(names.trim()).toBe("pod/db-0");
    // Parallel management creates every pod at once, ready or not.
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: statefulSetYaml("s-stuck", "par", { replicas: 3, fault: "never-ready", parallel: true }),
    });
    const all = await runTool(
      tools.kubectl,
      ["-n", "s-stuck", "rollout", "status", "sts/par", "--timeout=5s"],
      env,
    );
    expect(all.exitCode).not.toBe(0);
    const par = await mustRun(
      tools.kubectl,
      ["-n", "s-stuck", "get", "pods", "-l", "app=par", "-o", "name"],
      env,
    );
    expect(par.trim().split("\n")).toEqual(["pod/par-0", "pod/par-1", "pod/par-2"]);
  });

  it("keeps revisionHistoryLimit old ControllerRevisions", async () => {
    const env = await freshNamespace(h, "s-history");
    const k = (...args: string[]) => mustRun(tools.kubectl, ["-n", "s-history", ...args], env);
    for (const tag of ["1", "2", "3", "4"]) {
      const yaml = statefulSetYaml("s-history", "db", { image: `registry.example/db:${tag}` }).replace(
        "serviceName: db",
        "serviceName: db\n  revisionHistoryLimit: 1",
      );
      await mustRun(tools.kubectl, ["apply", "-f", "-"], env, { input: yaml });
      await k("rollout", "status", "sts/db", "--timeout=60s");
    }
    const revisions = await k("get", "controllerrevisions", "-o", "jsonpath={.items[*].revision}");
    expect(revisions.split(" ").sort()).toEqual(["3", "4"]);
  });

  it("rejects what a real API server rejects", async () => {
    const env = await freshNamespace(h, "s-invalid");
    const bad = statefulSetYaml("s-invalid", "x").replace(
      "serviceName: x",
      "serviceName: x\n  updateStrategy: {type: Sometimes}",
    );
    const r = await runTool(tools.kubectl, ["apply", "-f", "-"], env, { input: bad });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('spec.updateStrategy.type: Unsupported value: "Sometimes"');
  });
});
