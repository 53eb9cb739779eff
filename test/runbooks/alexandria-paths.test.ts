// Rehearsals of the Alexandria EE paths 003 describes beyond a plain upgrade: refusals in precheck (a chart that is
// not the target, a release another helm holds), a failure in the upgrade phase after helm succeeded, a reversible
// schema, and a first install with its rollback. Scenarios that leave the lab as they found it share one lab.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alexandriaLab, run, schema, siteValues, version } from "./support/alexandria.js";
import {
  getJson,
  journalOf,
  type Lab,
  labChart,
  orphanPendingUpgrade,
  rollBackHalted,
  runIdOf,
  snapshotFiles,
  sql,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx } from "./support/rbx.js";

const helm = (lab: Lab, args: string[]) =>
  execFileSync("helm", [...args, "-n", "alexandria"], { env: lab.env, encoding: "utf8" });
const history = (lab: Lab) =>
  JSON.parse(helm(lab, ["history", "alexandria-ee", "-o", "json"])) as {
    revision: number;
    status: string;
    description: string;
  }[];
const restores = (lab: Lab, id: string) =>
  journalOf(lab, id).filter((e) => e.type === "step.started" && e.action === "snapshot.restore").length;

afterAll(() => killLiveRbx());

describe("alexandria: refused in precheck, before anything changed (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await alexandriaLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));
  // A halted run keeps its lock for resume or rollback: each scenario runs with a state directory of its own,
  // and its halted run is rolled back after it (nothing entered), releasing the target's lease for the next.
  let scenario = 0;
  beforeEach(() => {
    lab.stateDir = join(lab.dir, `state-${++scenario}`);
  });
  afterEach(async () => rollBackHalted(lab), 300_000);

  it("a chart that is not the target release halts at chartIsTarget", async () => {
    const r = await run(lab, { chart: labChart(lab, "alexandria-ee-1.2.3.tgz") });
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.step).toMatchObject({ key: "chartIsTarget", status: "failed" });
    expect(st.text).toMatch(
      /the chart is alexandria-ee 1\.2\.3 \(app v1\.2\.3\), not v1\.3\.0: pull or update it first/,
    );
    expect(await snapshotFiles(lab)).toEqual([]);
  }, 300_000);

  it("a site values file that pins another tag halts at chartIsTarget", async () => {
    const r = await run(lab, { siteValues: siteValues(lab, "v1.2.3") });
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.text).toMatch(
      /the values files do not pin every image to v1\.3\.0 .*registry\.example\/alexandria\/api:v1\.2\.3/,
    );
    expect(await version(lab)).toBe("v1.2.3");
  }, 300_000);

  it("a release left pending-upgrade by another helm is refused at history: no snapshot, nothing to unwind", async () => {
    await orphanPendingUpgrade(lab, "alexandria-ee", "alexandria", labChart(lab, "alexandria-ee-1.3.0.tgz"), [
      "--set",
      "api.podAnnotations.lab\\.rbx\\.dev/fault=never-ready",
    ]);
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.step).toMatchObject({ key: "history", status: "failed" });
    expect(st.text).toMatch(
      /alexandria-ee is pending-upgrade at revision 2: another helm operation .*Nothing has been changed by this run/,
    );
    expect(st.json.rollbackNow).toEqual([]);
    expect(JSON.stringify(st.json.choices)).not.toMatch(/rbx rollback/);
    expect(await snapshotFiles(lab)).toEqual([]);
  }, 300_000);
});

describe("alexandria: a rollout that fails after helm succeeded", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await alexandriaLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("rolls helm back to the recorded revision, then restores the snapshot, verified", async () => {
    // Four api replicas, one never ready: helm's --wait accepts maxUnavailable (25%), kubectl rollout status does not.
    const site = siteValues(
      lab,
      "v1.3.0",
      "api:\n  replicas: 4\n  podAnnotations:\n    lab.rbx.dev/fault: one-never-ready\n",
    );
    const r = await run(lab, { siteValues: site, rolloutTimeout: "15s" });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("rolled-back");
    const events = journalOf(lab, id);
    expect(events.find((e) => e.type === "step.succeeded" && e.step === "upgrade")).toBeDefined();
    expect(events.find((e) => e.type === "step.failed" && e.step === "rollout")).toBeDefined();
    expect(history(lab).at(-1)).toMatchObject({ status: "deployed", description: "Rollback to 1" });
    expect(restores(lab, id)).toBe(1);
    expect(await version(lab)).toBe("v1.2.3");
    expect(await schema(lab)).toBe(2);
  }, 600_000);
});

describe("alexandria: a failed verification with a reversible schema, then without (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await alexandriaLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));
  const wrongTier = () => ({
    tier: "professional",
    siteValues: siteValues(lab, "v1.3.0", "tier: starter\n"),
  });

  it("reversibleSchema: the rollback returns to v1.2.3 and keeps the database", async () => {
    const r = await run(lab, { ...wrongTier(), reversibleSchema: "true" });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(restores(lab, id)).toBe(0);
    expect(await version(lab)).toBe("v1.2.3");
    expect(await schema(lab)).toBe(4);
  }, 600_000);

  it("not reversible: the rollback restores, since the schema moved", async () => {
    // The database is at 4 now (kept above): this run's baseline; put it back to 2 first, as the notes would say.
    await sql(lab.env.ALEXANDRIA_DSN ?? "", "delete from schema_migrations where version > 2");
    await sql(lab.env.ALEXANDRIA_DSN ?? "", "drop table api_tokens; alter table seats drop column role");
    const r = await run(lab, wrongTier());
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(restores(lab, id)).toBe(1);
    expect(await schema(lab)).toBe(2);
  }, 600_000);
});

describe("alexandria: first install (one lab, the release uninstalled and its database emptied first)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await alexandriaLab();
    helm(lab, ["uninstall", "alexandria-ee", "--wait", "--timeout", "60s"]);
    await sql(lab.env.ALEXANDRIA_DSN ?? "", "drop schema public cascade; create schema public");
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("a first install that fails verification is uninstalled and its database emptied again", async () => {
    const r = await run(lab, {
      firstInstall: "true",
      ...{ tier: "professional" },
      siteValues: siteValues(lab, "v1.3.0", "tier: starter\n"),
    });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(helm(lab, ["list", "--all", "-o", "json"])).toBe("[]\n");
    const tables = await sql<{ n: number }>(
      lab.env.ALEXANDRIA_DSN ?? "",
      "select count(*)::int as n from pg_tables where schemaname = 'public'",
    );
    expect(tables[0]?.n).toBe(0);
  }, 600_000);

  it("a first install completes: schema applied, /auth/setup open, one deployed revision", async () => {
    const r = await run(lab, { firstInstall: "true" });
    expect(r.code, r.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("completed");
    expect((await getJson(`${lab.env.ALEXANDRIA_URL}/auth/setup`)).status).toBe(200);
    expect(await schema(lab)).toBe(4);
    expect(history(lab).map((h) => [h.revision, h.status])).toEqual([[1, "deployed"]]);
  }, 600_000);
});
