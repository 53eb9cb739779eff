import { afterAll, afterEach, describe, expect, it } from "vitest";
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
import { ledgers, run, scrydonLab, valuesFile, versions } from "./support/scrydon.js";

const BROKEN = "2.5.1-broken-migration";

let lab: Lab | undefined;

afterEach(async () => {
  killLiveRbx();
  await stopLab(lab);
  lab = undefined;
});
afterAll(() => killLiveRbx());

describe("scrydon runbook rehearsed in the lab", () => {
  it("happy path: 2.4.0 → 2.5.0, completed, every service on 2.5.0, every ledger advanced", async () => {
    lab = await scrydonLab();
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("completed");
    expect(await versions(lab)).toEqual(["2.5.0", "2.5.0", "2.5.0", "2.5.0", "2.5.0"]);
    expect(await ledgers(lab)).toEqual([2, 2, 2, 1, 2]);
  }, 600_000);

  it("failing migration hook halts; resume after the hot-patch completes on the new release", async () => {
    lab = await scrydonLab();
    const r = await run(lab, { targetVersion: BROKEN });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("halted");
    expect(st.json.step).toMatchObject({ key: "upgrade", status: "failed" });
    expect(st.text).toMatch(/agentic-migration/);
    // The failing hook Job's logs are captured in the halt (Scrydon 000: watch the migration Jobs).
    expect(st.text).toMatch(/Failed hook job \S*agentic-migration/);
    expect(st.text).toMatch(/automations/);
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
    // Fix forward: the table 0002_automations_fk references.
    await sql(
      lab.env.SCRYDON_AGENTIC_DATABASE_URL ?? "",
      "create table public.automations (id serial primary key)",
    );
    // Approvals are given per session: the one of the verify phase (000: compare the dashboards) again.
    const resumed = await labRbx(lab, ["resume", id, "--approve", "dashboardsCompared"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await versions(lab)).toEqual([BROKEN, BROKEN, BROKEN, BROKEN, BROKEN]);
    expect(await ledgers(lab)).toEqual([2, 3, 2, 1, 2]);
  }, 900_000);

  it("failing migration hook halts; skip after the upgrade was done by hand completes", async () => {
    lab = await scrydonLab();
    const r = await run(lab, { targetVersion: BROKEN });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    await sql(
      lab.env.SCRYDON_AGENTIC_DATABASE_URL ?? "",
      "create table public.automations (id serial primary key)",
    );
    const { execFileSync } = await import("node:child_process");
    execFileSync(
      "helm",
      [
        "upgrade",
        "scrydon",
        labChart(lab, `scrydon-${BROKEN}.tgz`),
        "-n",
        "scrydon-platform",
        "--wait",
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
      "agentic hot-patched and helm upgrade run by hand (INC-1234)",
    ]);
    expect(skip.code, skip.stderr).toBe(0);
    // 001's skip asks which migration to mark applied: "none", the upgrade was done by hand.
    const resumed = await labRbx(lab, [
      "resume",
      id,
      "--approve",
      "skipMigration=none",
      "--approve",
      "dashboardsCompared",
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await versions(lab)).toEqual([BROKEN, BROKEN, BROKEN, BROKEN, BROKEN]);
  }, 900_000);

  it("failing migration hook halts; rollback returns to the recorded revision, restores the snapshots, verified", async () => {
    lab = await scrydonLab();
    const r = await run(lab, { targetVersion: BROKEN });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    expect((await ledgers(lab))[0]).toBe(2); // auth-migration (weight 5) ran before agentic failed
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
  }, 900_000);

  it("pods that never become ready: helm's wait fails, the run halts, and rollback restores and verifies", async () => {
    lab = await scrydonLab();
    const values = valuesFile(
      lab,
      "never-ready.yaml",
      "apiPlatform:\n  podAnnotations:\n    lab.rbx.dev/fault: never-ready\n",
    );
    // A short helm --timeout: the pods never become ready, so the wait only decides how long this takes.
    const r = await run(lab, { valuesFile: values, upgradeTimeout: "20s" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.step).toMatchObject({ key: "upgrade", status: "failed" });
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
  }, 900_000);

  it("verification failing after a successful rollout (sign-in broken) rolls back automatically, verified", async () => {
    lab = await scrydonLab();
    const values = valuesFile(lab, "no-admin.yaml", "admin:\n  existingSecret: scrydon-admin-missing\n");
    const r = await run(lab, { valuesFile: values });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(r.stderr).toMatch(/signIn/);
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
  }, 900_000);

  it("SIGKILL of rbx run during the upgrade phase, then rbx resume, reaches the same end state", async () => {
    lab = await scrydonLab();
    const kill = killWhen(/[→…] upgrade \(?helm\.upgrade/);
    const r = await run(lab, {}, { onStderr: kill.onStderr });
    expect(r.signal).toBe("SIGKILL");
    const id = runIdOf(r);
    // The helm rbx started keeps running without it: resume only once it has finished (as an operator would check).
    expect(await releaseSettled(lab, "scrydon", "scrydon-platform")).not.toMatch(/^pending-/);
    // Approvals are given per session: the one of the verify phase (000: compare the dashboards) again.
    const resumed = await labRbx(lab, ["resume", id, "--approve", "dashboardsCompared"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await versions(lab)).toEqual(["2.5.0", "2.5.0", "2.5.0", "2.5.0", "2.5.0"]);
    expect(await ledgers(lab)).toEqual([2, 2, 2, 1, 2]);
  }, 900_000);
});
