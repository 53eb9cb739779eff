// Shared helpers for the stand-in's tests: start a harness, run the real kubectl/helm with private dirs.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { CustomResourceConfig } from "../../../lab/kube/resources.js";
import type { KubeHarness, KubeUserEnv } from "../../support/kube-harness.js";

/** The chart the stand-in's helm tests install. */
export const DEMO_CHART = fileURLToPath(new URL("../../fixtures-lab/charts/demo", import.meta.url));

/** The Kryton-like custom resource with its operator, as the lab configures it. */
export const KRYTON: CustomResourceConfig = {
  group: "kryton.io",
  version: "v1",
  kind: "Kryton",
  plural: "krytons",
  shortNames: ["kr"],
  operator: { deployment: "{name}", container: "app" },
};

/** Result of one command. */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run a binary with an argument array under a user's env; never throws on a non-zero exit. */
export async function runTool(
  bin: string,
  args: string[],
  env: KubeUserEnv,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const r = await execa(bin, args, {
    env,
    extendEnv: false,
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    input: opts.input ?? "",
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Like runTool but fails the test with the command's output when it exits non-zero. */
export async function mustRun(
  bin: string,
  args: string[],
  env: KubeUserEnv,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await runTool(bin, args, env, opts);
  if (r.exitCode !== 0) {
    throw new Error(
      `${bin.split("/").pop()} ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

/** A fresh namespace and user for one test. */
export async function freshNamespace(h: KubeHarness, name: string): Promise<KubeUserEnv> {
  h.standIn.objects.create(h.standIn.objects.namespaceType, undefined, { metadata: { name } });
  return h.user(name);
}

/** Wait (bounded) until `check` returns a value. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** A Deployment manifest (YAML) for kubectl apply. */
export function deploymentYaml(
  ns: string,
  name: string,
  opts: { image?: string; replicas?: number; fault?: string; deadline?: number; strategy?: string } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}, tier: web}
spec:
  replicas: ${opts.replicas ?? 1}
  ${opts.deadline ? `progressDeadlineSeconds: ${opts.deadline}` : ""}
  ${opts.strategy ? `strategy: {type: ${opts.strategy}}` : ""}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      ${opts.fault ? `annotations: {lab.rbx.dev/fault: ${opts.fault}}` : ""}
    spec:
      containers:
      - name: app
        image: ${opts.image ?? `registry.example/${name}:1.0.0`}
        ports: [{containerPort: 8080}]
`;
}

/** A Job manifest (YAML). */
export function jobYaml(
  ns: string,
  name: string,
  opts: { fault?: string; backoffLimit?: number } = {},
): string {
  return `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ${ns}}
spec:
  backoffLimit: ${opts.backoffLimit ?? 0}
  template:
    metadata:
      ${opts.fault ? `annotations: {lab.rbx.dev/fault: ${opts.fault}}` : "labels: {}"}
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.example/${name}:1.0.0
`;
}
