// `rbx submit` in the lab: the Kryton upgrade runs as a Job whose pod is the built rbx (image rbx:<version>). Its
// pod is deleted mid-upgrade (gracefully, then — a lost node — at once); the Job's next pod resumes the same run,
// and the run completes once.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import type { RunEvent } from "../../src/run/model/events.js";
import { foldEvents } from "../../src/run/model/state.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { getJson, type Lab, labChart, labParams, startLab, stopLab } from "../runbooks/support/lab.js";
import { killLiveRbx, REPO, rbx } from "../runbooks/support/rbx.js";
import { testPostgres } from "../support/postgres.js";

const RUNBOOK = join(REPO, "runbooks", "kryton.rb.yaml");
const commit = (v: string) => createHash("sha1").update(`kryton@${v}`).digest("hex").slice(0, 7);

let lab: Lab;
let server: PostgresServer;
let database: string;
let store: string;

beforeAll(async () => {
  server = await testPostgres();
  database = await server.createDatabase();
  store = server.url(database);
  lab = await startLab("kryton");
}, 600_000);
afterAll(async () => {
  killLiveRbx();
  await stopLab(lab);
  await server.dropDatabase(database);
});

const kubectl = (args: string[]): string => execFileSync("kubectl", args, { env: lab.env, encoding: "utf8" });
interface JobJson {
  status: {
    succeeded?: number;
    failed?: number;
    conditions?: { type: string; status: string; message?: string }[];
  };
  spec: { template: { spec: { serviceAccountName: string; terminationGracePeriodSeconds: number } } };
}
const getJob = (name: string) =>
  JSON.parse(kubectl(["get", "job", name, "-n", "kryton", "-o", "json"])) as JobJson;
const podsOf = (job: string) =>
  (
    JSON.parse(kubectl(["get", "pods", "-n", "kryton", "-l", `job-name=${job}`, "-o", "json"])) as {
      items: { metadata: { name: string; deletionTimestamp?: string }; status: { phase: string } }[];
    }
  ).items;
const helmHistory = () =>
  JSON.parse(
    execFileSync("helm", ["history", "kryton", "-n", "kryton", "-o", "json"], {
      env: lab.env,
      encoding: "utf8",
    }),
  ) as { revision: number; status: string; chart: string }[];

async function withStore<T>(use: (s: PgRunStore) => Promise<T>): Promise<T> {
  const s = new PgRunStore(store, { stateDir: join(lab.dir, "reader"), migrateOnUse: false });
  try {
    return await use(s);
  } finally {
    await s.close();
  }
}
const journal = (runId: string): Promise<RunEvent[]> => withStore(async (s) => (await s.read(runId)).events);

/** Poll (bounded) until `test` holds; returns its last value. */
async function until<T>(
  what: string,
  get: () => Promise<T> | T,
  test: (v: T) => boolean,
  ms = 300_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (test(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `rbx submit` of the Kryton runbook to `version` (image tag `tag`), as an operator with the lab's environment. */
async function submit(
  version: string,
  migrations: "additive" | "destructive",
  tag = version,
): Promise<{ runId: string; jobName: string; stderr: string }> {
  const args = [
    "submit",
    RUNBOOK,
    "--namespace",
    "kryton",
    "--params-file",
    join(REPO, labParams("kryton")),
    "--param",
    `targetVersion=${tag}`,
    "--param",
    `chartVersion=${version}`,
    "--param",
    `expectedCommit=${commit(version)}`,
    "--param",
    `chart=${labChart(lab, `kryton-${version}.tgz`)}`,
    "--param",
    `migrationsDir=${join(REPO, "lab", "products", "kryton", "migrations", version)}`,
    "--param",
    `releaseMigrations=${migrations}`,
    "--param",
    "rolloutTimeout=120s",
    "--approve-all",
    "--grace-period",
    "60",
  ];
  const env = { ...lab.env, RBX_STORE: store, RBX_LEASE_SECONDS: "6" };
  const submitted = await rbx(args, { env, timeoutMs: 400_000 });
  expect(submitted.code, submitted.stderr).toBe(0);
  const [runId, where] = submitted.stdout.trim().split(" ") as [string, string];
  const jobName = where.split("/")[1] as string;
  expect(submitted.stderr).toContain(`run ${runId} submitted as Job kryton/${jobName}`);
  expect(submitted.stderr).toContain(`run ${runId} started`);
  return { runId, jobName, stderr: submitted.stderr };
}

/** Wait for the Job to finish; it must have completed, with one pod lost and one that succeeded. */
async function jobCompleted(jobName: string, lost: string): Promise<void> {
  const job = await until(
    "the Job to finish",
    () => getJob(jobName),
    (j) =>
      (j.status.conditions ?? []).some(
        (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
      ),
    540_000,
  );
  const pods = podsOf(jobName);
  const why = JSON.stringify({
    status: job.status,
    pods: pods.map((p) => [
      p.metadata.name,
      p.status.phase,
      p.status.phase === "Failed"
        ? kubectl(["logs", p.metadata.name, "-n", "kryton"]).split("\n").slice(-40).join("\n")
        : "",
    ]),
  });
  expect(job.status.conditions?.find((c) => c.type === "Complete")?.status, why).toBe("True");
  expect(job.status.succeeded, why).toBe(1);
  // The lost pod counts as failed (the Job's tracking finalizer would count it so); a second pod did the rest.
  expect(job.status.failed, why).toBe(1);
  expect(pods.map((p) => p.metadata.name)).not.toContain(lost);
  const second = pods.find((p) => p.status.phase === "Succeeded");
  expect(second, why).toBeDefined();
  expect(kubectl(["logs", second?.metadata.name ?? "", "-n", "kryton"])).toMatch(/pod \S+ resumes run/);
}

describe("rbx submit: a run as a Kubernetes Job", () => {
  it("a pod deleted mid-upgrade finishes its step and stops; the next pod resumes the same run, which completes once", async () => {
    const { runId, jobName, stderr } = await submit("4.6.5", "additive");
    // The secret param and the store URL's password are in the Secret, never on the operator's terminal.
    expect(stderr).not.toContain(server.password);
    expect(stderr).not.toContain(lab.env.KRYTON_POSTGRES_URL as string);

    // What was made for it, all labelled with the run: rights only in the namespace its steps work in.
    const made = kubectl([
      "get",
      "configmap,secret,serviceaccount,role,rolebinding",
      "-n",
      "kryton",
      "-l",
      `rbx.dev/run=${runId}`,
      "-o",
      "name",
    ]);
    for (const kind of [
      "configmap",
      "secret",
      "serviceaccount",
      "role.rbac.authorization.k8s.io",
      "rolebinding.rbac.authorization.k8s.io",
    ])
      expect(made).toContain(`${kind}/${jobName}`);
    const role = JSON.parse(kubectl(["get", "role", jobName, "-n", "kryton", "-o", "json"])) as {
      rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    };
    expect(role.rules).toContainEqual({
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["create", "delete", "get", "update"],
    });
    expect(role.rules.flatMap((r) => r.resources)).toContain("deployments");
    const secret = JSON.parse(kubectl(["get", "secret", jobName, "-n", "kryton", "-o", "json"])) as {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data.store ?? "", "base64").toString()).toBe(store);
    const configMap = kubectl(["get", "configmap", jobName, "-n", "kryton", "-o", "json"]);
    expect(configMap).not.toContain(lab.env.KRYTON_POSTGRES_URL as string);
    const spec = getJob(jobName).spec.template.spec;
    expect(spec.serviceAccountName).toBe(jobName);
    expect(spec.terminationGracePeriodSeconds).toBe(60);

    // Someone follows it from their machine while it runs.
    const follower = rbx(["status", "--follow", runId], {
      env: { ...lab.env, RBX_STORE: store },
      timeoutMs: 600_000,
    });

    // Delete the pod the moment helm starts upgrading the release.
    await until(
      "the helm upgrade to start",
      () => journal(runId),
      (evs) => evs.some((e) => e.type === "step.started" && e.step === "helmUpgrade"),
    );
    const first = podsOf(jobName)[0]?.metadata.name ?? "";
    kubectl(["delete", "pod", first, "-n", "kryton", "--wait=false"]);
    await jobCompleted(jobName, first);

    // One run in the store: started once, stopped at a step boundary, resumed once, completed once.
    expect(await withStore((s) => s.list())).toEqual([runId]);
    const events = await journal(runId);
    const count = (type: string, step?: string) =>
      events.filter((e) => e.type === type && (step === undefined || (e as { step?: string }).step === step))
        .length;
    expect(count("run.started")).toBe(1);
    expect(count("run.resumed")).toBe(1);
    expect(count("run.completed")).toBe(1);
    const stopped = events.find((e) => e.type === "run.interrupted");
    expect(stopped).toMatchObject({ signal: "SIGTERM" });
    expect(stopped).not.toHaveProperty("step");
    // helm upgraded once: the step ran once, and the release has one 4.6.5 revision.
    expect(count("step.started", "helmUpgrade")).toBe(1);
    expect(count("step.succeeded", "helmUpgrade")).toBe(1);
    expect(foldEvents(runId, events).status).toBe("completed");
    expect((await getJson(`${lab.env.KRYTON_URL}/api/version`)).body).toMatchObject({ version: "4.6.5" });
    const history = helmHistory();
    expect(history.filter((h) => h.chart === "kryton-4.6.5")).toHaveLength(1);
    expect(history.at(-1)).toMatchObject({ status: "deployed", chart: "kryton-4.6.5" });

    const followed = await follower;
    expect(followed.stdout).toContain(`following run ${runId}`);
    expect(followed.stdout).toContain(`run ${runId} completed`);
  }, 900_000);

  it("a pod lost at once (force-deleted, as on a lost node) mid-upgrade: the next pod settles the step it was in and completes the run once", async () => {
    const revisions = helmHistory().length;
    // 4.7.0 drops a column (destructive): a rollback would restore the backup, but none is needed here.
    const { runId, jobName } = await submit("4.7.0", "destructive");
    await until(
      "the helm upgrade to have succeeded (the run then waits for the migration and the rollout)",
      () => journal(runId),
      (evs) => evs.some((e) => e.type === "step.succeeded" && e.step === "helmUpgrade"),
    );
    const first = podsOf(jobName)[0]?.metadata.name ?? "";
    kubectl(["delete", "pod", first, "-n", "kryton", "--grace-period=0", "--force"]);
    await jobCompleted(jobName, first);

    expect(await withStore((s) => s.list())).toContain(runId);
    const events = await journal(runId);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count("run.started")).toBe(1);
    expect(count("run.interrupted")).toBe(0);
    expect(count("run.resumed")).toBe(1);
    expect(count("run.completed")).toBe(1);
    // The step it was in, cut off, was settled by the successor (a read runs again); the helm upgrade did not run again.
    const resumedAt = events.findIndex((e) => e.type === "run.resumed");
    const before = events.slice(0, resumedAt);
    const open = before.filter(
      (e) =>
        e.type === "step.started" &&
        !before.some(
          (f) =>
            (f.type === "step.succeeded" || f.type === "step.failed") && f.step === e.step && f.seq > e.seq,
        ),
    );
    expect(new Set(open.map((e) => (e as { step: string }).step)).size).toBe(1);
    for (const e of open)
      expect(
        events
          .slice(resumedAt)
          .some((f) => f.type === "step.started" && f.step === (e as { step: string }).step),
      ).toBe(true);
    expect(events.filter((e) => e.type === "step.started" && e.step === "helmUpgrade")).toHaveLength(1);
    expect(events.filter((e) => e.type === "step.started" && e.step.startsWith("rollback:"))).toHaveLength(0);
    expect((await getJson(`${lab.env.KRYTON_URL}/api/version`)).body).toMatchObject({ version: "4.7.0" });
    expect(helmHistory()).toHaveLength(revisions + 1);
  }, 900_000);
});
