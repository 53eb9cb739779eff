// Rehearsals of runbooks/alexandria.rb.yaml in the lab: the happy path and the failure paths of 003/004.
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { alexandriaLab, run, schema, siteValues, version } from "./support/alexandria.js";
import {
  killWhen,
  type Lab,
  labChart,
  labRbx,
  releaseSettled,
  runIdOf,
  sql,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx } from "./support/rbx.js";

const BROKEN = "v1.3.1-broken-migration";

let lab: Lab | undefined;

afterEach(async () => {
  killLiveRbx();
  await stopLab(lab);
  lab = undefined;
});
afterAll(() => killLiveRbx());

describe("alexandria runbook rehearsed in the lab", () => {
  it("happy path: v1.2.3 → v1.3.0, completed, new version serving, schema advanced", async () => {
    lab = await alexandriaLab();
    expect(await schema(lab)).toBe(2);
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("completed");
    expect(await version(lab)).toBe("v1.3.0");
    expect(await schema(lab)).toBe(4);
  }, 600_000);

  it("a tag missing from the registry stops the run in precheck, before anything changed", async () => {
    lab = await alexandriaLab();
    const r = await run(lab, { targetTag: "v9.9.9" });
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.step).toMatchObject({ key: "apiImage", status: "failed" });
    expect(await version(lab)).toBe("v1.2.3");
  }, 300_000);

  it("failing schema migration: --atomic rolls helm back, the run halts; resume after the fix completes", async () => {
    lab = await alexandriaLab();
    const r = await run(lab, { targetTag: BROKEN, rolloutTimeout: "20s" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.step).toMatchObject({ key: "upgrade", status: "failed" });
    expect(await version(lab)).toBe("v1.2.3");
    await sql(lab.env.ALEXANDRIA_DSN ?? "", "create table public.admin_accounts (id serial primary key)");
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await version(lab)).toBe(BROKEN);
    expect(await schema(lab)).toBe(5);
  }, 900_000);

  it("failing schema migration halts; skip after the upgrade was done by hand completes", async () => {
    lab = await alexandriaLab();
    const r = await run(lab, { targetTag: BROKEN, rolloutTimeout: "20s" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    await sql(
      lab.env.ALEXANDRIA_DSN ?? "",
      "insert into schema_migrations (version, name) values (5, 'api_tokens_admin_fk')",
    );
    const tags = ["api", "orchestrator", "dashboard"].flatMap((c) => ["--set", `image.${c}.tag=${BROKEN}`]);
    execFileSync(
      "helm",
      [
        "upgrade",
        "alexandria-ee",
        labChart(lab, "alexandria-ee-1.3.1-broken-migration.tgz"),
        "-n",
        "alexandria",
        ...tags,
        "--atomic",
        "--timeout",
        "2m",
      ],
      {
        env: lab.env,
        stdio: "pipe",
      },
    );
    const skip = await labRbx(lab, [
      "skip",
      id,
      "upgrade",
      "--reason",
      "migration 5 marked applied and helm upgrade run by hand (INC-42)",
    ]);
    expect(skip.code, skip.stderr).toBe(0);
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await version(lab)).toBe(BROKEN);
  }, 900_000);

  it("failing schema migration halts; rollback restores the snapshot, the old version serves, verified", async () => {
    lab = await alexandriaLab();
    const r = await run(lab, { targetTag: BROKEN, rolloutTimeout: "20s" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    expect(await schema(lab)).toBe(4); // ApplySchema applied 3 and 4 before 5 failed
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await version(lab)).toBe("v1.2.3");
    expect(await schema(lab)).toBe(2);
  }, 900_000);

  it("an api that never becomes ready: --atomic rolls back, the run halts, rollback restores and re-verifies", async () => {
    lab = await alexandriaLab();
    const site = siteValues(lab, "v1.3.0", "api:\n  podAnnotations:\n    lab.rbx.dev/fault: never-ready\n");
    const r = await run(lab, { siteValues: site, rolloutTimeout: "20s" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    expect(await version(lab)).toBe("v1.2.3");
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await schema(lab)).toBe(2);
  }, 900_000);

  it("verification failing after a successful rollout (wrong licence tier) rolls back to the recorded revision, verified", async () => {
    lab = await alexandriaLab();
    const r = await run(lab, {
      tier: "professional",
      siteValues: siteValues(lab, "v1.3.0", "tier: starter\n"),
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/tier starter, expected professional/);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await version(lab)).toBe("v1.2.3");
    expect(await schema(lab)).toBe(2);
  }, 900_000);

  it("SIGKILL of rbx run during the upgrade phase, then rbx resume, reaches the same end state", async () => {
    lab = await alexandriaLab();
    const kill = killWhen(/[→…] upgrade \(?helm\.upgrade/);
    const r = await run(lab, {}, { onStderr: kill.onStderr });
    expect(r.signal).toBe("SIGKILL");
    const id = runIdOf(r);
    // The helm rbx started keeps running without it: resume only once it has finished (as an operator would check).
    expect(await releaseSettled(lab, "alexandria-ee", "alexandria")).not.toMatch(/^pending-/);
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await version(lab)).toBe("v1.3.0");
    expect(await schema(lab)).toBe(4);
  }, 900_000);
});
