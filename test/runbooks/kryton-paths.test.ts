// Rehearsals of the Kryton paths of 002 beyond the helm happy path: Compose (pin written to the project, rollback to
// the previous tag), the operator (a failed reconcile halting with its condition, rollback through spec.version), a
// destructive release rolled back and its data compared row for row, a subchart bump waiting for its approval, and
// a release already pending refused in precheck. Runs that leave the lab as the next one needs it share a lab.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getJson,
  journalOf,
  type Lab,
  labChart,
  labParams,
  labRbx,
  orphanPendingUpgrade,
  runIdOf,
  snapshotFiles,
  sql,
  startLab,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx } from "./support/rbx.js";

const RUNBOOK = "runbooks/kryton.rb.yaml";
const commit = (v: string) => createHash("sha1").update(`kryton@${v}`).digest("hex").slice(0, 7);

afterAll(() => killLiveRbx());

/** `rbx run` with a lab params file; `approve` names the approvals given (default: every one). */
function run(l: Lab, paramsFile: string, params: Record<string, string>, approve?: string[]) {
  const args = ["run", RUNBOOK, "--params-file", labParams(paramsFile)];
  if (approve) for (const a of approve) args.push("--approve", a);
  else args.push("--approve-all");
  const all = { rolloutTimeout: "30s", backupDir: join(l.dir, "backups"), ...params };
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args);
}

const served = async (l: Lab) => (await getJson(`${l.env.KRYTON_URL}/api/version`)).body;
const kubectlJson = (l: Lab, args: string[]) =>
  JSON.parse(
    execFileSync("kubectl", [...args, "-n", "kryton", "-o", "json"], { env: l.env, encoding: "utf8" }),
  );
const helm = (l: Lab, args: string[]) =>
  execFileSync("helm", [...args, "-n", "kryton"], { env: l.env, encoding: "utf8", stdio: "pipe" });

describe("kryton compose: the pin in the project's .env (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab("kryton-compose");
  }, 300_000);
  afterAll(async () => stopLab(lab));
  const pinned = () =>
    /^KRYTON_TAG=(.*)$/m.exec(readFileSync(lab.env.KRYTON_COMPOSE_ENV_FILE ?? "", "utf8"))?.[1];
  const compose = (...args: string[]) =>
    execFileSync("docker", ["compose", "--file", lab.env.KRYTON_COMPOSE_FILE ?? "", ...args], {
      env: lab.env,
      encoding: "utf8",
    });

  it("a failed verification pins the previous tag again and brings it back up", async () => {
    const r = await run(lab, "kryton-compose", { expectedCommit: "0000000" });
    expect(r.code, r.stderr).toBe(1);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("rolled-back");
    expect(pinned()).toBe("v4.6.4");
    expect(compose("config", "--images", "kryton").trim()).toBe("registry.example/kryton:v4.6.4");
    expect(await served(lab)).toMatchObject({ version: "4.6.4", commit: commit("4.6.4") });
  }, 600_000);

  it("4.6.4 → 4.6.5: completed, v4.6.5 pinned in .env and running, notes tarball taken", async () => {
    const r = await run(lab, "kryton-compose", {});
    expect(r.code, r.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("completed");
    expect(pinned()).toBe("v4.6.5");
    expect(JSON.parse(compose("ps", "--format", "json"))).toMatchObject({
      Image: "registry.example/kryton:v4.6.5",
      State: "running",
    });
    expect(await served(lab)).toMatchObject({ version: "4.6.5", commit: commit("4.6.5") });
    expect(existsSync(join(lab.dir, "backups", "kryton-notes-pre-v4.6.5.tgz"))).toBe(true);
  }, 600_000);
});

describe("kryton operator: a failed reconcile, then a failed verification (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab("kryton");
    helm(lab, [
      "upgrade",
      "kryton",
      labChart(lab, "kryton-4.6.4.tgz"),
      "--reuse-values",
      "--set",
      "operator.enabled=true",
      "--wait",
    ]);
  }, 300_000);
  afterAll(async () => stopLab(lab));
  const resource = () =>
    kubectlJson(lab, ["get", "kryton", "kryton"]) as {
      spec: { version: string };
      status: { observedVersion?: string };
    };

  it("a tag that was never published halts with the condition's message; rbx rollback patches spec.version back", async () => {
    const r = await run(lab, "kryton", {
      method: "operator",
      targetVersion: "4.6.9",
      expectedCommit: "0000000",
    });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.step).toMatchObject({ key: "operatorReconcile", status: "failed" });
    expect(st.text).toMatch(
      /the operator reports a failed reconcile: UpgradeFailed: upgrade to registry\.example\/kryton:v4\.6\.9 failed: pod kryton-[\w-]+: (ErrImagePull|ImagePullBackOff)/,
    );
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(resource()).toMatchObject({ spec: { version: "4.6.4" }, status: { observedVersion: "4.6.4" } });
    expect(await served(lab)).toMatchObject({ version: "4.6.4" });
  }, 600_000);

  it("a failed verification rolls back through spec.version, verified", async () => {
    const r = await run(lab, "kryton", { method: "operator", expectedCommit: "0000000" });
    expect(r.code, r.stderr).toBe(1);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("rolled-back");
    expect(resource()).toMatchObject({ spec: { version: "4.6.4" }, status: { observedVersion: "4.6.4" } });
    expect(await served(lab)).toMatchObject({ version: "4.6.4", commit: commit("4.6.4") });
  }, 600_000);
});

describe("kryton helm: subchart bump, destructive release, pending release (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab("kryton");
    // The customer runs the bitnami/postgresql subchart (16.4.5 at 4.6.4); 4.7.0 bumps it to 17.0.0.
    helm(lab, [
      "upgrade",
      "kryton",
      labChart(lab, "kryton-4.6.4.tgz"),
      "--reuse-values",
      "--set",
      "postgresql.enabled=true",
      "--wait",
    ]);
  }, 300_000);
  afterAll(async () => stopLab(lab));
  const destructive = {
    targetVersion: "4.7.0",
    chartVersion: "4.7.0",
    chart: "",
    migrationsDir: "lab/products/kryton/migrations/4.7.0",
    releaseMigrations: "destructive",
  };

  it("a subchart bump waits for its own approval before anything changed", async () => {
    const r = await run(
      lab,
      "kryton",
      { ...destructive, chart: labChart(lab, "kryton-4.7.0.tgz"), expectedCommit: commit("4.7.0") },
      ["changelog"],
    );
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("halted");
    expect(st.json.step).toMatchObject({ key: "subchartBump" });
    expect(st.text).toMatch(
      /moves the bitnami\/postgresql subchart from postgresql-16\.4\.5 to postgresql-17\.0\.0/,
    );
    expect(await snapshotFiles(lab)).toEqual([]);
    // Nothing to unwind: the rollback of a run halted in precheck changes nothing and frees the lock.
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
  }, 600_000);

  it("the destructive 4.7.0 rolled back: backup and notes restored, compared row for row and file by file", async () => {
    const base = lab.env.KRYTON_URL ?? "";
    for (const [title, body] of [
      ["runbook", "# keep the baseline"],
      ["incident", "legacy_title survives only in the backup"],
    ])
      await fetch(`${base}/api/notes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title, body }),
      });
    const dsn = lab.env.KRYTON_POSTGRES_URL ?? "";
    const rows = () => sql(dsn, "select * from notes order by id");
    const notesDir = join(lab.env.KRYTON_NOTES_DIR ?? "", "notes");
    const files = () =>
      Object.fromEntries(readdirSync(notesDir).map((f) => [f, readFileSync(join(notesDir, f), "utf8")]));
    const before = { rows: await rows(), files: files() };
    expect(before.rows).toHaveLength(2);
    expect(Object.keys(before.files)).toHaveLength(2);
    const r = await run(lab, "kryton", {
      ...destructive,
      chart: labChart(lab, "kryton-4.7.0.tgz"),
      expectedCommit: "0000000",
    });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(
      journalOf(lab, id).filter(
        (e) => e.type === "step.succeeded" && String(e.step).startsWith("rollback:upgrade/"),
      ),
    ).not.toHaveLength(0);
    expect(await rows()).toEqual(before.rows);
    expect(files()).toEqual(before.files);
    expect(await served(lab)).toMatchObject({ version: "4.6.4", commit: commit("4.6.4") });
  }, 600_000);

  it("a release left pending-upgrade by another helm is refused at history, before the backup", async () => {
    const snapshotsBefore = await snapshotFiles(lab);
    lab.stateDir = join(lab.dir, "state-pending");
    await orphanPendingUpgrade(lab, "kryton", "kryton", labChart(lab, "kryton-4.6.5.tgz"), [
      "--set",
      "podAnnotations.lab\\.rbx\\.dev/fault=never-ready",
    ]);
    const r = await run(lab, "kryton", { chart: labChart(lab, "kryton-4.6.5.tgz") });
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.step).toMatchObject({ key: "history", status: "failed" });
    expect(st.text).toMatch(
      /kryton is pending-upgrade at revision \d+: another helm operation .*Nothing has been changed by this run/,
    );
    expect(st.json.rollbackNow).toEqual([]);
    expect(await snapshotFiles(lab)).toEqual(snapshotsBefore);
  }, 600_000);
});
