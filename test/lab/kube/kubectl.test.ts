// The real kubectl (1.34 and 1.32) against the stand-in: get, selectors, rollouts, jobs, logs, custom resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ToolPaths, toolPaths } from "../../../lab/tool-binaries.js";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { deploymentYaml, freshNamespace, jobYaml, KRYTON, mustRun, runTool } from "./helpers.js";

let h: KubeHarness;
let tools: ToolPaths;

beforeAll(async () => {
  tools = await toolPaths();
  h = await startKubeHarness({ customResources: [KRYTON] });
});

afterAll(async () => {
  await h?.stop();
});

describe("kubectl against the stand-in", () => {
  it("gets objects as JSON and filters them with label and field selectors", async () => {
    const env = await freshNamespace(h, "k-get");
    for (const [name, tier] of [
      ["a", "web"],
      ["b", "db"],
      ["c", "web"],
    ]) {
      await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
        input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: k-get, labels: {tier: ${tier}, idx: "${name}"}}\ndata: {k: v}\n`,
      });
    }
    const names = async (...sel: string[]) => {
      const out = JSON.parse(
        await mustRun(tools.kubectl, ["-n", "k-get", "get", "configmaps", "-o", "json", ...sel], env),
      );
      return (out.items as { metadata: { name: string } }[])
        .map((i) => i.metadata.name)
        .filter((n) => n.length === 1);
    };
    expect(await names()).toEqual(["a", "b", "c"]);
    expect(await names("-l", "tier=web")).toEqual(["a", "c"]);
    expect(await names("-l", "tier==web,idx!=a")).toEqual(["c"]);
    expect(await names("-l", "tier in (db,cache)")).toEqual(["b"]);
    expect(await names("-l", "tier notin (db)")).toEqual(["a", "c"]);
    expect(await names("-l", "idx")).toEqual(["a", "b", "c"]);
    expect(await names("-l", "!idx")).toEqual([]);
    expect(await names("--field-selector", "metadata.name=b")).toEqual(["b"]);
    const all = JSON.parse(
      await mustRun(tools.kubectl, ["get", "configmaps", "-A", "-o", "json", "-l", "tier=db"], env),
    );
    expect(all.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace)).toEqual([
      "k-get",
    ]);
    const missing = await runTool(tools.kubectl, ["-n", "k-get", "get", "configmap", "zzz"], env);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('configmaps "zzz" not found');
  });

  it("refuses to create in a missing namespace and reports AlreadyExists", async () => {
    const env = await freshNamespace(h, "k-errors");
    const noNs = await runTool(tools.kubectl, ["create", "-f", "-"], env, {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nowhere}\n",
    });
    expect(noNs.exitCode).not.toBe(0);
    expect(noNs.stderr).toContain('namespaces "nowhere" not found');
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: k-errors}\n";
    await mustRun(tools.kubectl, ["create", "-f", "-"], env, { input: cm });
    const again = await runTool(tools.kubectl, ["create", "-f", "-"], env, { input: cm });
    expect(again.stderr).toContain("AlreadyExists");
    const dry = await mustRun(
      tools.kubectl,
      [
        "-n",
        "k-errors",
        "create",
        "configmap",
        "dry",
        "--from-literal=a=b",
        "--dry-run=server",
        "-o",
        "name",
      ],
      env,
    );
    expect(dry.trim()).toBe("configmap/dry");
    expect(
      h.standIn.store.get(h.standIn.objects.registry.byKind("", "ConfigMap")!, "k-errors", "dry"),
    ).toBeUndefined();
  });

  it("follows a rollout to success, scales, undoes, and reports revisions on ReplicaSets", async () => {
    const env = await freshNamespace(h, "k-roll");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: deploymentYaml("k-roll", "web", { replicas: 2 }),
    });
    const ok = await mustRun(
      tools.kubectl,
      ["-n", "k-roll", "rollout", "status", "deploy/web", "--timeout=30s"],
      env,
    );
    expect(ok).toContain('deployment "web" successfully rolled out');
    await mustRun(
      tools.kubectl,
      ["-n", "k-roll", "set", "image", "deploy/web", "app=registry.example/web:2.0.0"],
      env,
    );
    await mustRun(tools.kubectl, ["-n", "k-roll", "rollout", "status", "deploy/web", "--timeout=30s"], env);
    await mustRun(tools.kubectl, ["-n", "k-roll", "rollout", "undo", "deploy/web"], env);
    await mustRun(tools.kubectl, ["-n", "k-roll", "rollout", "status", "deploy/web", "--timeout=30s"], env);
    const dep = JSON.parse(
      await mustRun(tools.kubectl, ["-n", "k-roll", "get", "deploy", "web", "-o", "json"], env),
    );
    expect(dep.spec.template.spec.containers[0].image).toBe("registry.example/web:1.0.0");
    expect(dep.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(dep.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
    });
    expect(dep.spec.progressDeadlineSeconds).toBe(600);
    const rs = JSON.parse(
      await mustRun(tools.kubectl, ["-n", "k-roll", "get", "rs", "-l", "app=web", "-o", "json"], env),
    );
    const revs = (
      rs.items as {
        metadata: { name: string; annotations: Record<string, string> };
        spec: { replicas: number };
      }[]
    )
      .map((r) => [r.metadata.annotations["deployment.kubernetes.io/revision"], r.spec.replicas])
      .sort();
    // The first ReplicaSet is reused by the undo and gets revision 3; the 2.0.0 one is scaled to zero.
    expect(revs).toEqual([
      ["2", 0],
      ["3", 2],
    ]);
    for (const r of rs.items) expect(r.metadata.name).toMatch(/^web-[a-z0-9]{10}$/);
    await mustRun(tools.kubectl, ["-n", "k-roll", "scale", "deploy/web", "--replicas=3"], env);
    await mustRun(tools.kubectl, ["-n", "k-roll", "rollout", "status", "deploy/web", "--timeout=30s"], env);
    const pods = await mustRun(
      tools.kubectl,
      ["-n", "k-roll", "get", "pods", "-l", "app=web", "-o", "name"],
      env,
    );
    expect(pods.trim().split("\n")).toHaveLength(3);
    // Human output comes from server-side Tables.
    const table = await mustRun(tools.kubectl, ["-n", "k-roll", "get", "all"], env);
    expect(table).toMatch(/deployment\.apps\/web\s+3\/3\s+3\s+3\s/);
    expect(table).toMatch(/pod\/web-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s/);
  });

  it("fails rollout status when the progress deadline is exceeded", async () => {
    const env = await freshNamespace(h, "k-stuck");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: deploymentYaml("k-stuck", "stuck", { fault: "never-ready", deadline: 2 }),
    });
    const r = await runTool(
      tools.kubectl,
      ["-n", "k-stuck", "rollout", "status", "deploy/stuck", "--timeout=30s"],
      env,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('deployment "stuck" exceeded its progress deadline');
  });

  it("runs a Recreate rollout with the old kubectl 1.32 too", async () => {
    const env = await freshNamespace(h, "k-recreate");
    await mustRun(tools.kubectl132, ["apply", "-f", "-"], env, {
      input: deploymentYaml("k-recreate", "rc", { strategy: "Recreate", replicas: 2 }),
    });
    await mustRun(
      tools.kubectl132,
      ["-n", "k-recreate", "rollout", "status", "deploy/rc", "--timeout=30s"],
      env,
    );
    await mustRun(
      tools.kubectl132,
      ["-n", "k-recreate", "set", "image", "deploy/rc", "app=registry.example/rc:2.0.0"],
      env,
    );
    const out = await mustRun(
      tools.kubectl132,
      ["-n", "k-recreate", "rollout", "status", "deploy/rc", "--timeout=30s"],
      env,
    );
    expect(out).toContain("successfully rolled out");
    const dep = JSON.parse(
      await mustRun(tools.kubectl132, ["-n", "k-recreate", "get", "deploy", "rc", "-o", "json"], env),
    );
    expect(dep.spec.strategy).toEqual({ type: "Recreate" });
    expect(dep.status.updatedReplicas).toBe(2);
  });

  it("waits for a job to complete, shows its logs, and sees a failed job fail", async () => {
    const env = await freshNamespace(h, "k-jobs");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, { input: jobYaml("k-jobs", "migrate") });
    await mustRun(
      tools.kubectl,
      ["-n", "k-jobs", "wait", "--for=condition=complete", "job/migrate", "--timeout=30s"],
      env,
    );
    const logs = await mustRun(tools.kubectl, ["-n", "k-jobs", "logs", "job/migrate"], env);
    expect(logs).toContain("done");
    const job = JSON.parse(
      await mustRun(tools.kubectl, ["-n", "k-jobs", "get", "job", "migrate", "-o", "json"], env),
    );
    expect(job.status.succeeded).toBe(1);
    expect(job.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"]).toBe(job.metadata.uid);
    expect(job.spec.template.metadata.labels["job-name"]).toBe("migrate");
    expect(job.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      "SuccessCriteriaMet",
      "Complete",
    ]);

    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: jobYaml("k-jobs", "broken", { fault: "fail", backoffLimit: 1 }),
    });
    await mustRun(
      tools.kubectl,
      ["-n", "k-jobs", "wait", "--for=condition=failed", "job/broken", "--timeout=30s"],
      env,
    );
    const failed = JSON.parse(
      await mustRun(tools.kubectl, ["-n", "k-jobs", "get", "job", "broken", "-o", "json"], env),
    );
    expect(failed.status.failed).toBe(2);
    expect(failed.status.conditions.find((c: { type: string }) => c.type === "Failed").reason).toBe(
      "BackoffLimitExceeded",
    );
    const notComplete = await runTool(
      tools.kubectl,
      ["-n", "k-jobs", "wait", "--for=condition=complete", "job/broken", "--timeout=2s"],
      env,
    );
    expect(notComplete.exitCode).not.toBe(0);
    const failLogs = await mustRun(tools.kubectl, ["-n", "k-jobs", "logs", "job/broken"], env);
    expect(failLogs).toContain("simulated failure");
  });

  it("patches the custom resource with a merge patch and the operator reaches status.observedVersion", async () => {
    const env = await freshNamespace(h, "k-kryton");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: deploymentYaml("k-kryton", "kryton", { image: "registry.example/kryton:4.6.5" }),
    });
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input:
        "apiVersion: kryton.io/v1\nkind: Kryton\nmetadata: {name: kryton, namespace: k-kryton}\nspec: {version: 4.6.5}\n",
    });
    await mustRun(
      tools.kubectl,
      [
        "-n",
        "k-kryton",
        "wait",
        "kryton/kryton",
        "--for=jsonpath={.status.observedVersion}=4.6.5",
        "--timeout=30s",
      ],
      env,
    );
    await mustRun(
      tools.kubectl,
      [
        "-n",
        "k-kryton",
        "patch",
        "kryton",
        "kryton",
        "--type",
        "merge",
        "-p",
        '{"spec":{"version":"4.7.0"}}',
      ],
      env,
    );
    await mustRun(
      tools.kubectl,
      [
        "-n",
        "k-kryton",
        "wait",
        "kr/kryton",
        "--for=jsonpath={.status.observedVersion}=4.7.0",
        "--timeout=30s",
      ],
      env,
    );
    const image = await mustRun(
      tools.kubectl,
      [
        "-n",
        "k-kryton",
        "get",
        "deploy",
        "kryton",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
      ],
      env,
    );
    expect(image).toBe("registry.example/kryton:4.7.0");
    await mustRun(
      tools.kubectl,
      ["-n", "k-kryton", "rollout", "status", "deploy/kryton", "--timeout=30s"],
      env,
    );
    const smp = await runTool(
      tools.kubectl,
      [
        "-n",
        "k-kryton",
        "patch",
        "kryton",
        "kryton",
        "--type",
        "strategic",
        "-p",
        '{"spec":{"version":"5"}}',
      ],
      env,
    );
    expect(smp.exitCode).not.toBe(0);
    expect(smp.stderr).toContain(
      "application/strategic-merge-patch+json is not supported by kryton.io/v1, Kind=Kryton",
    );
  });
});
