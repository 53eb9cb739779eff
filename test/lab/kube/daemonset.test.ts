// The real kubectl (1.34 and 1.32) against the stand-in's DaemonSets and its one Node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ToolPaths, toolPaths } from "../../../lab/tool-binaries.js";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { freshNamespace, mustRun, runTool } from "./helpers.js";
import { daemonSetYaml } from "./workload-yaml.js";

let h: KubeHarness;
let tools: ToolPaths;

beforeAll(async () => {
  tools = await toolPaths();
  h = await startKubeHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe("DaemonSets on the stand-in", () => {
  it("serves one Ready node", async () => {
    const env = await h.user();
    const nodes = await mustRun(tools.kubectl, ["get", "nodes"], env);
    expect(nodes).toMatch(/^lab-node-1\s+Ready\s+<none>\s+\S+\s+v1\.33\.0$/m);
    const node = JSON.parse(await mustRun(tools.kubectl, ["get", "node", "lab-node-1", "-o", "json"], env));
    expect(node.metadata.labels["kubernetes.io/hostname"]).toBe("lab-node-1");
    expect(node.status.addresses).toContainEqual({ type: "InternalIP", address: "127.0.0.1" });
  });

  it("runs one pod on the node and rolls an image change", async () => {
    const env = await freshNamespace(h, "d-roll");
    const k = (...args: string[]) => mustRun(tools.kubectl, ["-n", "d-roll", ...args], env);
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, { input: daemonSetYaml("d-roll", "agent") });
    expect(await k("rollout", "status", "daemonset/agent", "--timeout=60s")).toContain(
      'daemon set "agent" successfully rolled out',
    );
    const ds = JSON.parse(await k("get", "ds", "agent", "-o", "json"));
    expect(ds.spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.status).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    });
    const pod = JSON.parse(await k("get", "pods", "-l", "app=agent", "-o", "json")).items;
    expect(pod).toHaveLength(1);
    expect(pod[0].spec.nodeName).toBe("lab-node-1");
    expect(pod[0].metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod[0].metadata.labels).toMatchObject({ "pod-template-generation": "1" });
    const hash = pod[0].metadata.labels["controller-revision-hash"];
    expect(await k("get", "controllerrevision", `agent-${hash}`, "-o", "jsonpath={.revision}")).toBe("1");

    await k("set", "image", "ds/agent", "app=registry.example/agent:2.0.0");
    await mustRun(tools.kubectl132, ["-n", "d-roll", "rollout", "status", "ds/agent", "--timeout=60s"], env);
    const after = JSON.parse(await k("get", "pods", "-l", "app=agent", "-o", "json")).items;
    expect(after).toHaveLength(1);
    expect(after[0].spec.containers[0].image).toBe("registry.example/agent:2.0.0");
    expect(after[0].metadata.labels["controller-revision-hash"]).not.toBe(hash);
    expect(after[0].metadata.labels["pod-template-generation"]).toBe("2");
    expect(await k("get", "daemonsets")).toMatch(/^agent\s+1\s+1\s+1\s+1\s+1\s+<none>\s/m);

    // Undo goes back through the ControllerRevisions: the first template returns as revision 3.
    await k("rollout", "undo", "ds/agent");
    await k("rollout", "status", "ds/agent", "--timeout=60s");
    const undone = JSON.parse(await k("get", "pods", "-l", "app=agent", "-o", "json")).items;
    expect(
      undone.map((p: { spec: { containers: { image: string }[] } }) => p.spec.containers[0]?.image),
    ).toEqual(["registry.example/agent:1.0.0"]);
    expect(undone[0].metadata.labels["controller-revision-hash"]).toBe(hash);
    expect(await k("get", "controllerrevision", `agent-${hash}`, "-o", "jsonpath={.revision}")).toBe("3");
    expect(await k("rollout", "history", "ds/agent")).toMatch(/^2\s+<none>\n3\s+<none>$/m);
  });

  it("fails rollout status when the updated pod never becomes ready", async () => {
    const env = await freshNamespace(h, "d-stuck");
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, { input: daemonSetYaml("d-stuck", "agent") });
    await mustRun(tools.kubectl, ["-n", "d-stuck", "rollout", "status", "ds/agent", "--timeout=60s"], env);
    await mustRun(tools.kubectl, ["apply", "-f", "-"], env, {
      input: daemonSetYaml("d-stuck", "agent", {
        image: "registry.example/agent:2.0.0",
        fault: "never-ready",
      }),
    });
    const r = await runTool(
      tools.kubectl,
      ["-n", "d-stuck", "rollout", "status", "daemonset/agent", "--timeout=5s"],
      env,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toContain(
      'Waiting for daemon set "agent" rollout to finish: 0 of 1 updated pods are available...',
    );
    expect(r.stderr).toContain("timed out waiting for the condition");
    const ds = JSON.parse(
      await mustRun(tools.kubectl, ["-n", "d-stuck", "get", "ds", "agent", "-o", "json"], env),
    );
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 1,
      updatedNumberScheduled: 1,
      numberUnavailable: 1,
    });
  });

  it("rejects a pod template that does not restart forever", async () => {
    const env = await freshNamespace(h, "d-invalid");
    const bad = daemonSetYaml("d-invalid", "x").replace(
      "containers:",
      "restartPolicy: Never\n      containers:",
    );
    const r = await runTool(tools.kubectl, ["apply", "-f", "-"], env, { input: bad });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('spec.template.spec.restartPolicy: Unsupported value: "Never"');
  });
});
