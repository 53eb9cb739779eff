// The fold from journal events to the report: timings, attempts, rollback, recovery commands.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { foldReport } from "../../src/report/fold.js";
import { approvalRun, haltedRun, rolledBackRun, tempStateDir, writeJournal } from "./journals.js";

const dir = tempStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("foldReport", () => {
  it("tells phases, steps, attempts and durations of a rolled-back run", () => {
    const report = foldReport(writeJournal(dir, "rolled", rolledBackRun("rolled")));
    expect(report.outcome).toBe("rolled-back");
    expect(report.durationMs).toBe(54_200);
    expect(report.phases.map((p) => [p.id, p.boundary, p.status])).toEqual([
      ["precheck", false, "completed"],
      ["upgrade", true, "failed"],
    ]);
    const upgrade = report.phases[1]!;
    expect(upgrade.steps.map((s) => [s.id, s.status, s.attempts.length])).toEqual([
      ["upgrade", "succeeded", 1],
      ["migrations", "failed", 2],
    ]);
    const migrations = upgrade.steps[1]!;
    expect(migrations.durationMs).toBe(39_000 - 32_100);
    expect(migrations.attempts[0]).toMatchObject({ outcome: "failed", retryInMs: 5_000, durationMs: 910 });
    expect(migrations.attempts[0]!.assertions[0]!.expression).toBe("output.pending.size() == 0");
    expect(report.phases[0]!.steps[0]!.keyOutputs).toEqual([
      { name: "status", value: "200" },
      { name: "json.version", value: "3.1.0" },
    ]);
  });

  it("keeps the rollback apart: why, which boundaries, each rollback step, verified", () => {
    const report = foldReport(writeJournal(dir, "rolled2", rolledBackRun("rolled2")));
    expect(report.rollbacks).toHaveLength(1);
    const rb = report.rollbacks[0]!;
    expect(rb).toMatchObject({
      reason: "failure",
      boundaries: ["upgrade"],
      status: "completed",
      verified: true,
    });
    expect(rb.trigger?.step).toBe("migrations");
    expect(rb.steps.map((s) => [s.id, s.status, s.rollback])).toEqual([
      ["rollback:upgrade/0", "succeeded", true],
      ["rollback:upgrade/1", "skipped", true],
      ["rollback:upgrade/2:check:healthy-on-previous/ready", "succeeded", true],
    ]);
    // Everything is rolled back: nothing left to choose.
    expect(report.recovery).toEqual([]);
  });

  it("gives the three recovery paths of a halted run as exact commands", () => {
    const report = foldReport(writeJournal(dir, "halted", haltedRun("halted")), {
      stateDir: "/var/lib/rbx state",
    });
    expect(report.outcome).toBe("halted");
    expect(report.stoppedAt).toBe("migrations");
    expect(report.recovery.map((c) => c.command)).toEqual([
      "rbx resume halted --state-dir '/var/lib/rbx state'",
      "rbx skip halted migrations --state-dir '/var/lib/rbx state' --reason '<why it is already done>'",
      "rbx rollback halted --state-dir '/var/lib/rbx state'",
    ]);
    expect(report.recovery[2]!.explains).toContain("unwind upgrade");
  });

  it("offers the approval command when the run waits for one", () => {
    const report = foldReport(writeJournal(dir, "appr", approvalRun("appr")));
    expect(report.phases[0]!.steps[0]!.status).toBe("waiting-approval");
    expect(report.recovery.map((c) => c.command)).toEqual([
      "rbx resume appr --approve notes",
      "rbx approve appr notes",
    ]);
  });

  it("marks a step started but never finished as in doubt when the run halted on it", () => {
    const events = writeJournal(dir, "doubt", [
      ...rolledBackRun("doubt").slice(0, 10),
      [40_000, { type: "run.halted", reason: "in-doubt", step: "upgrade", message: "upgrade is in doubt" }],
    ]);
    const report = foldReport(events);
    expect(report.phases[1]!.steps[0]!.status).toBe("in-doubt");
  });

  it("refuses a journal that does not start with run.started", () => {
    const events = writeJournal(dir, "bad", rolledBackRun("bad")).slice(1);
    expect(() => foldReport(events)).toThrow(/run.started/);
  });
});
