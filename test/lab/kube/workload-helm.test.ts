// helm 3 (legacy readiness) and helm 4 (kstatus watcher) wait on the stand-in's StatefulSets and DaemonSets.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ToolPaths, toolPaths } from "../../../lab/tool-binaries.js";
import { type KubeHarness, startKubeHarness } from "../../support/kube-harness.js";
import { freshNamespace, mustRun, runTool } from "./helpers.js";

let h: KubeHarness;
let tools: ToolPaths;
let chart: string;

const template = (kind: string, extra: string) => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: {{ .Release.Name }}-${kind.toLowerCase()}}
spec:
${extra}  selector: {matchLabels: {app: {{ .Release.Name }}-${kind.toLowerCase()}}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}-${kind.toLowerCase()}}
      {{- with .Values.fault }}
      annotations: {lab.rbx.dev/fault: {{ . }}}
      {{- end }}
    spec:
      containers:
      - name: app
        image: registry.example/store:{{ .Values.tag }}
`;

beforeAll(async () => {
  tools = await toolPaths();
  h = await startKubeHarness();
  chart = join(h.dir, "chart-workloads");
  await mkdir(join(chart, "templates"), { recursive: true });
  await writeFile(join(chart, "Chart.yaml"), "apiVersion: v2\nname: workloads\nversion: 0.1.0\n");
  await writeFile(join(chart, "values.yaml"), 'tag: "1.0.0"\nfault: ""\n');
  await writeFile(
    join(chart, "templates", "statefulset.yaml"),
    template("StatefulSet", "  serviceName: store\n  replicas: 2\n"),
  );
  await writeFile(join(chart, "templates", "daemonset.yaml"), template("DaemonSet", ""));
});

afterAll(async () => {
  await h?.stop();
});

describe.each([
  { label: "helm 3", bin: (t: ToolPaths) => t.helm3, ns: "w-helm3" },
  { label: "helm 4", bin: (t: ToolPaths) => t.helm4, ns: "w-helm4" },
])("$label --wait on StatefulSets and DaemonSets", ({ bin, ns }) => {
  it("waits for both to roll out, and times out on a pod that never becomes ready", async () => {
    const env = await freshNamespace(h, ns);
    const helm = bin(tools);
    const up = (...set: string[]) =>
      runTool(helm, ["upgrade", "--install", "w", chart, "-n", ns, "--wait", "--timeout", ...set], env);
    const ok = await up("60s", "--set", "tag=2.0.0");
    expect(ok.exitCode, ok.stderr).toBe(0);
    const ready = await mustRun(
      tools.kubectl,
      [
        "-n",
        ns,
        "get",
        "sts,ds",
        "-o",
        'jsonpath={range .items[*]}{.kind}={.status.readyReplicas}{.status.numberReady}{" "}{end}',
      ],
      env,
    );
    expect(ready.trim()).toBe("StatefulSet=2 DaemonSet=1");
    const stuck = await up("5s", "--set", "tag=3.0.0", "--set", "fault=never-ready");
    expect(stuck.exitCode).not.toBe(0);
    const history = JSON.parse(await mustRun(helm, ["history", "w", "-n", ns, "-o", "json"], env));
    expect(history.map((r: { status: string }) => r.status)).toEqual(["deployed", "failed"]);
  });
});
