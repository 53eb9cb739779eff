// The cause of a halt (issue 14 item 9), rehearsed with runbooks/kryton.rb.yaml in the lab: a failing migration
// halts the migration wait, and the terminal, `rbx status` and `rbx report` show why — the pod crash-looping, the
// migrator's log line, the pending migration — and what a rollback would do now (the database is not restored).
import { createHash } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Lab, labChart, labParams, labRbx, runIdOf, startLab, stopLab } from "./support/lab.js";
import { killLiveRbx } from "./support/rbx.js";

const BROKEN = "4.6.6-broken-migration";
const commit = (v: string) => createHash("sha1").update(`kryton@${v}`).digest("hex").slice(0, 7);
let lab: Lab | undefined;

afterEach(async () => {
  killLiveRbx();
  await stopLab(lab);
  lab = undefined;
});
afterAll(() => killLiveRbx());

describe("the cause of a halt, rehearsed in the lab", () => {
  it("a failing migration: the pod's CrashLoopBackOff and its log line, the pending migration, and the rollback's word on the database", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const args = ["run", "runbooks/kryton.rb.yaml", "--params-file", labParams("kryton"), "--approve-all"];
    const params = {
      chart: labChart(l, `kryton-${BROKEN}.tgz`),
      targetVersion: BROKEN,
      chartVersion: BROKEN,
      expectedCommit: commit(BROKEN),
      migrationsDir: `lab/products/kryton/migrations/${BROKEN}`,
    };
    for (const [k, v] of Object.entries(params)) args.push("--param", `${k}=${v}`);
    const r = await labRbx(l, args);
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);

    // The terminal: under the failed step, the pending migration, the pod and the migrator's last words.
    expect(r.stderr).toContain('last output: output.pending = ["0002_note_pinned","0003_note_folders"]');
    expect(r.stderr).toMatch(/pods of release kryton in kryton:/);
    expect(r.stderr).toMatch(/pod kryton-[a-z0-9-]+: Running, not ready, \d+ restarts?, CrashLoopBackOff/);
    expect(r.stderr).toContain('relation "public.folders" does not exist');

    // rbx status: the same cause, and what a rollback would do now.
    const status = await labRbx(l, ["status", id]);
    expect(status.stdout).toContain("  cause:");
    expect(status.stdout).toMatch(/CrashLoopBackOff/);
    expect(status.stdout).toContain('relation "public.folders" does not exist');
    expect(status.stdout).toMatch(
      /rollback:upgrade\/\d+ {2}snapshot\.restore .*— will skip: .*params\.releaseMigrations = "additive"/,
    );
    expect(status.stdout).toMatch(/rollback:upgrade\/\d+ {2}helm\.rollback .*— will run/);
    expect(status.stdout).toMatch(
      /This rollback will NOT restore the database: rollback:upgrade\/\d+ \(snapshot\.restore\) will skip/,
    );
    // Skipped steps name their reason.
    expect(r.stderr).toContain(
      '↷ operatorPatch skipped: `params.method == "operator"` is false (params.method = "helm")',
    );

    // rbx report: the cause and the rollback preview.
    const report = await labRbx(l, ["report", id]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain("Cause:");
    expect(report.stdout).toContain('relation "public.folders" does not exist');
    expect(report.stdout).toContain("### A rollback now would");
    expect(report.stdout).toContain("This rollback will NOT restore the database");
  }, 600_000);
});
