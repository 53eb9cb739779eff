// `rbx submit` against the API stand-in whose pod runtime runs image rbx:<version> as the built rbx: what it
// refuses before creating anything, what it creates, and a run that halts in its pod and is finished from here.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeStandIn, startKubeStandIn } from "../../lab/kube/server.js";
import { simulatedRuntime } from "../../lab/kube/sim-runtime.js";
import type { PostgresServer } from "../../lab/postgres.js";
import { rbxPodRuntime } from "../../lab/rbx-pods.js";
import { toolPaths } from "../../lab/tool-binaries.js";
import { foldEvents } from "../../src/run/model/state.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { killLiveRbx, REPO, rbx } from "../runbooks/support/rbx.js";
import { kubeconfigText } from "../support/kube-harness.js";
import { testPostgres } from "../support/postgres.js";

const RUNBOOK = join(REPO, "test", "kube-jobs", "fixtures", "job-smoke.rb.yaml");
const TOKEN = "smoke-token-0123456789";

let dir: string;
let api: KubeStandIn;
let server: PostgresServer;
let database: string;
let store: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-submit-"));
  const kubeconfig = join(dir, "kubeconfig");
  api = await startKubeStandIn({
    runtime: rbxPodRuntime({ dir, kubeconfig, binDir: join(dir, "bin"), fallback: simulatedRuntime() }),
    namespaces: ["apps"],
  });
  writeFileSync(kubeconfig, kubeconfigText(api.url, "apps"), { mode: 0o600 });
  api.objects.create(api.objects.registry.byKind("", "ConfigMap")!, "apps", {
    metadata: { name: "settings" },
    data: { mode: "smoke" },
  });
  server = await testPostgres();
  database = await server.createDatabase();
  store = server.url(database);
  env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    KUBECONFIG: kubeconfig,
    SMOKE_TOKEN: TOKEN,
    RBX_STATE_DIR: join(dir, "operator"),
  };
}, 120_000);
afterAll(async () => {
  killLiveRbx();
  await api?.stop();
  await server?.dropDatabase(database);
  rmSync(dir, { recursive: true, force: true });
});

const get = (apiVersion: string, kind: string, name: string) => {
  const [group] = apiVersion.includes("/") ? apiVersion.split("/") : [""];
  return api.store.get(api.objects.registry.byKind(group ?? "", kind)!, "apps", name);
};
const jobs = () => api.store.list(api.objects.registry.byKind("batch", "Job")!, "apps");

describe("rbx submit against the stand-in", () => {
  it("refuses without a PostgreSQL store, and a connection that names a kubeconfig context, creating nothing", async () => {
    const noStore = await rbx(["submit", RUNBOOK, "--namespace", "apps"], { env });
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain("a submitted run needs a PostgreSQL store");
    const context = await rbx(
      ["submit", RUNBOOK, "--namespace", "apps", "--store", store, "--param", "kubeContext=lab"],
      { env },
    );
    expect(context.code).toBe(2);
    expect(context.stderr).toContain('connection "cluster" sets context');
    const badParam = await rbx(["submit", RUNBOOK, "--namespace", "apps", "--store", store], {
      env: { ...env, SMOKE_TOKEN: "short" },
    });
    expect(badParam.code).toBe(2);
    const reviewed = await rbx(
      ["submit", RUNBOOK, "--namespace", "apps", "--store", store, "--plan-hash", "0123456789abcdef"],
      { env },
    );
    expect(reviewed.code).toBe(2);
    expect(reviewed.stderr).toContain("not the reviewed 0123456789abcdef");
    expect(jobs()).toHaveLength(0);
  });

  it("a run that halts for an approval in its pod ends the Job; the operator approves and finishes it from here", async () => {
    const submitted = await rbx(["submit", RUNBOOK, "--namespace", "apps", "--store", store, "--follow"], {
      env,
      timeoutMs: 300_000,
    });
    expect(submitted.code, submitted.stderr).toBe(3);
    const [runId] = submitted.stdout.split(" ") as [string];
    const jobName = `rbx-${runId}`;
    expect(submitted.stdout).toContain(
      `run ${runId} halted; Job failed (PodFailurePolicy: Container rbx for pod apps/`,
    );
    expect(submitted.stderr).toContain("waiting for approval");
    expect(submitted.stderr).not.toContain(TOKEN);
    expect(submitted.stderr).not.toContain(server.password);

    // The runbook and public params in the ConfigMap; the secret and the store in the Secret; read-only rights.
    const cm = get("v1", "ConfigMap", jobName)!.data as Record<string, string>;
    expect(cm.runbook).toContain("name: job-smoke");
    expect(JSON.stringify(cm)).not.toContain(TOKEN);
    const secret = get("v1", "Secret", jobName)!.data as Record<string, string>;
    const decoded = (k: string) => Buffer.from(secret[k] ?? "", "base64").toString();
    expect(decoded("store")).toBe(store);
    expect(JSON.parse(decoded("params.json"))).toEqual({ token: TOKEN });
    expect(decoded("env.SMOKE_TOKEN")).toBe(TOKEN);
    const role = get("rbac.authorization.k8s.io/v1", "Role", jobName)!.rules as {
      resources: string[];
      verbs: string[];
    }[];
    expect(role.every((r) => r.verbs.every((v) => ["get", "list", "watch"].includes(v)))).toBe(true);
    expect(role.flatMap((r) => r.resources)).toContain("configmaps");
    expect(role.flatMap((r) => r.resources)).not.toContain("leases");
    const binding = get("rbac.authorization.k8s.io/v1", "RoleBinding", jobName)!;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: jobName, namespace: "apps" }]);
    const job = get("batch/v1", "Job", jobName)!;
    for (const dependent of ["ConfigMap", "Secret", "ServiceAccount"])
      expect(get("v1", dependent, jobName)!.metadata.ownerReferences?.[0]).toMatchObject({
        kind: "Job",
        uid: job.metadata.uid,
      });

    // From the operator's machine: the run is halted in the store; approve and resume it here.
    const status = await rbx(["status", runId, "--store", store, "--json"], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ status: "halted" });
    const resumed = await rbx(["resume", runId, "--approve", "goAhead", "--store", store], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await rbx(["status", runId, "--store", store, "--json"], { env });
    expect(JSON.parse(after.stdout)).toMatchObject({ status: "completed" });
  }, 300_000);

  it("with --approve given at submit, the pod completes the run and the Job completes", async () => {
    const submitted = await rbx(
      ["submit", RUNBOOK, "--namespace", "apps", "--store", store, "--approve", "goAhead", "--follow"],
      { env, timeoutMs: 300_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const [runId] = submitted.stdout.split(" ") as [string];
    expect(submitted.stdout).toContain(`run ${runId} completed; Job complete`);
    const job = get("batch/v1", "Job", `rbx-${runId}`)!;
    expect(job.status).toMatchObject({ succeeded: 1 });
  }, 300_000);

  it("a pod evicted by kubectl drain finishes its step and is replaced without counting as a failure", async () => {
    const submitted = await rbx(
      [
        "submit",
        RUNBOOK,
        "--namespace",
        "apps",
        "--store",
        store,
        "--approve",
        "goAhead",
        "--param",
        "nap=4",
      ],
      { env, timeoutMs: 300_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const [runId] = submitted.stdout.split(" ") as [string];
    const jobName = `rbx-${runId}`;
    const reader = new PgRunStore(store, { stateDir: join(dir, "reader"), migrateOnUse: false });
    try {
      const events = async () => (await reader.read(runId)).events;
      const deadline = Date.now() + 120_000;
      while (!(await events()).some((e) => e.type === "step.started" && e.step === "nap")) {
        if (Date.now() > deadline) throw new Error("the nap step never started");
        await new Promise((r) => setTimeout(r, 100));
      }
      const { kubectl } = await toolPaths();
      // Asynchronously: the stand-in answering kubectl runs in this very process.
      const { execFile } = await import("node:child_process");
      const { promisify } = await import("node:util");
      const run = promisify(execFile);
      const drain = ["drain", "lab-node-1", "--pod-selector", `job-name=${jobName}`, "--ignore-daemonsets"];
      await run(kubectl, [...drain, "--delete-emptydir-data", "--timeout=120s"], { env });
      await run(kubectl, ["uncordon", "lab-node-1"], { env });
      const job = () =>
        get("batch/v1", "Job", jobName)?.status as { succeeded?: number; failed?: number } | undefined;
      const until = Date.now() + 120_000;
      while (job()?.succeeded !== 1) {
        if (Date.now() > until) throw new Error(`the Job did not complete: ${JSON.stringify(job())}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // The evicted pod carried DisruptionTarget: the Ignore rule left it out of the failures.
      expect(job()?.failed).toBeUndefined();
      const all = await events();
      expect(foldEvents(runId, all).status).toBe("completed");
      expect(all.find((e) => e.type === "run.interrupted")).toMatchObject({ signal: "SIGTERM" });
      expect(all.filter((e) => e.type === "step.started" && e.step === "nap")).toHaveLength(1);
      expect(all.filter((e) => e.type === "step.succeeded" && e.step === "nap")).toHaveLength(1);
      expect(all.filter((e) => e.type === "run.resumed")).toHaveLength(1);
    } finally {
      await reader.close();
    }
  }, 300_000);
});
