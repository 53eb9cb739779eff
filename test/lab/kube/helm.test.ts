// The real helm 3 and helm 4 against the stand-in: install/upgrade with a hook, history, list, status, rollback, failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ToolPaths, toolPaths } from "../../../lab/tool-binaries.js";
import type { KubeUserEnv } from "../../support/kube-harness.js";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { DEMO_CHART, freshNamespace, mustRun, runTool } from "./helpers.js";

let h: KubeHarness;
let tools: ToolPaths;

beforeAll(async () => {
  tools = await toolPaths();
  h = await startKubeHarness();
});

afterAll(async () => {
  await h?.stop();
});

interface HistoryRow {
  revision: number;
  status: string;
  description: string;
  app_version: string;
}

const cases = [
  {
    label: "helm 3",
    bin: (t: ToolPaths) => t.helm3,
    ns: "helm3",
    rollbackFlag: "--atomic",
    version: "v3.17.2",
  },
  {
    label: "helm 4",
    bin: (t: ToolPaths) => t.helm4,
    ns: "helm4",
    rollbackFlag: "--rollback-on-failure",
    version: "v4.1.4",
  },
];

describe.each(cases)("$label against the stand-in", ({ bin, ns, rollbackFlag, version }) => {
  let env: KubeUserEnv;
  let helm: string;
  const image = async () =>
    mustRun(
      tools.kubectl,
      ["-n", ns, "get", "deploy", "demo", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
      env,
    );
  const history = async (): Promise<HistoryRow[]> =>
    JSON.parse(await mustRun(helm, ["history", "demo", "-n", ns, "-o", "json"], env));

  beforeAll(async () => {
    env = await freshNamespace(h, ns);
    helm = bin(tools);
    expect(await mustRun(helm, ["version", "--short"], env)).toContain(version);
  });

  it("installs with upgrade --install --wait and lists the release", async () => {
    const out = await mustRun(
      helm,
      ["upgrade", "--install", "demo", DEMO_CHART, "-n", ns, "--wait", "--timeout", "60s"],
      env,
    );
    expect(out).toContain("STATUS: deployed");
    const list = JSON.parse(await mustRun(helm, ["list", "-n", ns, "-o", "json"], env));
    expect(list).toMatchObject([
      { name: "demo", namespace: ns, revision: "1", status: "deployed", chart: "demo-0.1.0" },
    ]);
    // The release record is a Secret helm wrote as protobuf.
    const secrets = JSON.parse(
      await mustRun(
        tools.kubectl,
        ["-n", ns, "get", "secrets", "-l", "owner=helm,name=demo", "-o", "json"],
        env,
      ),
    );
    expect(secrets.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
      "sh.helm.release.v1.demo.v1",
    ]);
    expect(secrets.items[0].type).toBe("helm.sh/release.v1");
    expect(await image()).toBe("registry.example/demo:1.0.0");
  });

  it("upgrades with a pre-upgrade hook Job and records history", async () => {
    await mustRun(
      helm,
      [
        "upgrade",
        "--install",
        "demo",
        DEMO_CHART,
        "-n",
        ns,
        "--wait",
        "--timeout",
        "60s",
        "--set",
        "image.tag=2.0.0",
      ],
      env,
    );
    expect(await image()).toBe("registry.example/demo:2.0.0");
    const job = JSON.parse(
      await mustRun(tools.kubectl, ["-n", ns, "get", "job", "demo-migrate", "-o", "json"], env),
    );
    expect(job.status.succeeded).toBe(1);
    expect(job.spec.template.spec.containers[0].image).toBe("registry.example/demo-migrate:2.0.0");
    const rows = await history();
    expect(rows.map((r) => [r.revision, r.status])).toEqual([
      [1, "superseded"],
      [2, "deployed"],
    ]);
    expect(rows[1]?.description).toBe("Upgrade complete");
    const status = await mustRun(helm, ["status", "demo", "-n", ns], env);
    expect(status).toContain("STATUS: deployed");
    expect(status).toContain("REVISION: 2");
    if (helm === tools.helm4) {
      expect(status).toMatch(
        /==> v1\/Deployment\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndemo\s+1\/1\s+1\s+1\s/,
      );
    }
  });

  it("rolls back to revision 1", async () => {
    await mustRun(helm, ["rollback", "demo", "1", "-n", ns, "--wait", "--timeout", "60s"], env);
    expect(await image()).toBe("registry.example/demo:1.0.0");
    const rows = await history();
    expect(rows.at(-1)).toMatchObject({ revision: 3, status: "deployed", description: "Rollback to 1" });
  });

  it(`rolls back a failing upgrade with ${rollbackFlag}`, async () => {
    const r = await runTool(
      helm,
      [
        "upgrade",
        "demo",
        DEMO_CHART,
        "-n",
        ns,
        "--wait",
        "--timeout",
        "6s",
        rollbackFlag,
        "--set",
        "image.tag=3.0.0",
        "--set",
        "fault=never-ready",
        "--set",
        "progressDeadlineSeconds=2",
      ],
      env,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("has been rolled back");
    if (helm === tools.helm4) expect(r.stderr).toContain("Progress deadline exceeded");
    expect(await image()).toBe("registry.example/demo:1.0.0");
    const rows = await history();
    expect(rows.slice(-2).map((x) => [x.status, x.description.split(":")[0]])).toEqual([
      ["failed", 'Upgrade "demo" failed'],
      ["deployed", "Rollback to 3"],
    ]);
    await mustRun(tools.kubectl, ["-n", ns, "rollout", "status", "deploy/demo", "--timeout=30s"], env);
  });

  it("fails an upgrade whose pre-upgrade hook Job fails", async () => {
    const r = await runTool(
      helm,
      [
        "upgrade",
        "demo",
        DEMO_CHART,
        "-n",
        ns,
        "--wait",
        "--timeout",
        "30s",
        "--set",
        "image.tag=4.0.0",
        "--set",
        "hook.fault=fail",
      ],
      env,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("pre-upgrade hooks failed");
    expect(r.stderr).toMatch(helm === tools.helm4 ? /Job Failed/ : /BackoffLimitExceeded/);
    expect(await image()).toBe("registry.example/demo:1.0.0");
    expect((await history()).at(-1)?.status).toBe("failed");
  });

  it("uninstalls the release's objects (hooks stay, as on a real cluster)", async () => {
    await mustRun(helm, ["uninstall", "demo", "-n", ns, "--wait"], env);
    const left = await mustRun(
      tools.kubectl,
      ["-n", ns, "get", "deploy,rs,svc,cm,secrets", "-o", "name"],
      env,
    );
    expect(left.trim()).toBe("");
    const pods = await mustRun(
      tools.kubectl,
      ["-n", ns, "get", "pods", "-l", "app.kubernetes.io/name=demo", "-o", "name"],
      env,
    );
    expect(pods.trim()).toBe("");
    const hook = await mustRun(tools.kubectl, ["-n", ns, "get", "jobs", "-o", "name"], env);
    expect(hook.trim()).toBe("job.batch/demo-migrate");
  });
});
