// Failure policy and rollback: boundaries unwound newest first with when/check, verified; failing rollback halts.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { rollbackRun } from "../../src/run/sessions/rollback-run.js";
import { skipStep } from "../../src/run/sessions/skip-step.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  // Three phases: `backup` and `upgrade` are boundaries; `upgrade` fails unless the counter reaches 2.
  function upgradeRunbook(
    opts: { policy?: string; stepPolicy?: string; rollbackFails?: string } = {},
  ): string {
    const log = h.path("log.txt");
    const undo = h.path("undo.txt");
    const counter = h.path("counter");
    return h.write(
      "up.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: up, version: 2.0.0 }
${opts.policy ? `onFailure: ${opts.policy}\n` : ""}checks:
  undone:
    - id: undo_log
      action: test.read
      with: { path: "${undo}" }
      expect: [{ that: output.count >= 1 }]
phases:
  - id: backup
    rollback:
      - action: test.append
        with: { path: "${undo}", line: "restore backup" }
    steps:
      - id: snapshot
        action: test.append
        with: { path: "${log}", line: snapshot }
  - id: plain
    steps:
      - id: note
        action: test.append
        with: { path: "${log}", line: note }
  - id: upgrade
    rollback:
      - id: helm_back
        action: test.append
        with: { path: "${undo}", line: "helm rollback" }
      - id: restore_schema
        action: test.append
        when: steps.migrate.status == "succeeded"
        with: { path: "${undo}", line: "restore schema" }
${opts.rollbackFails ? `      - id: flaky_undo\n        action: test.flaky\n        with: { counter: "${opts.rollbackFails}", succeedOn: 2 }\n` : ""}      - check: undone
    steps:
      - id: upgrade
        action: test.append
        with: { path: "${log}", line: upgrade }
      - id: migrate
        action: test.flaky
${opts.stepPolicy ? `        onFailure: ${opts.stepPolicy}\n` : ""}        with: { counter: "${counter}", succeedOn: 2 }
`,
    );
  }

  describe("failure policy", () => {
    it("rolls back the boundaries entered, newest first, skipping rollback steps whose when is false, and verifies", async () => {
      const r = await startRun(upgradeRunbook(), { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(1);
      expect(r.status).toBe("rolled-back");
      expect(readFileSync(h.path("undo.txt"), "utf8")).toBe("helm rollback\nrestore backup\n");
      expect(await h.journal(r.runId as string)).toMatchSnapshot();
    });

    it("halts at the failed step with policy halt; status lists the three recovery paths; resume fixes forward", async () => {
      const r = await startRun(
        upgradeRunbook({ stepPolicy: "halt" }),
        { cli: new Map() },
        undefined,
        h.opts(),
      );
      expect(r.exit).toBe(3);
      const runId = r.runId as string;
      const report = await inspectRun(h.store, runId, h.dir, h.opts().catalog);
      expect(report.status).toBe("halted");
      expect(report.step).toMatchObject({ key: "migrate", status: "failed" });
      expect(report.lastBoundary).toBe("upgrade");
      expect(report.rollbackNow.map((b) => [b.boundary, b.steps.map((s) => s.key)])).toEqual([
        [
          "upgrade",
          [
            "rollback:upgrade/helm_back",
            "rollback:upgrade/restore_schema",
            "rollback:upgrade/2:check:undone/undo_log",
          ],
        ],
        ["backup", ["rollback:backup/0"]],
      ]);
      expect(report.choices.map((c) => c.command)).toEqual([
        `rbx resume ${runId}`,
        `rbx skip ${runId} migrate --reason '<why it is already done>'`,
        `rbx rollback ${runId}`,
      ]);
      const resumed = await resumeRun(runId, {}, h.opts());
      expect(resumed.exit).toBe(0);
      expect(readFileSync(h.path("log.txt"), "utf8")).toBe("snapshot\nnote\nupgrade\n");
      expect(existsSync(h.path("undo.txt"))).toBe(false);
      expect(await h.journal(runId)).toMatchSnapshot();
    });

    it("skip marks the failed step done with the reason and user, and resume continues after it", async () => {
      const r = await startRun(upgradeRunbook({ policy: "halt" }), { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(3);
      const runId = r.runId as string;
      const skipped = await skipStep(
        runId,
        "migrate",
        "applied by hand per the Scrydon doc",
        h.opts({ user: "alice" }),
      );
      expect(skipped.exit).toBe(0);
      expect((await h.journal(runId)).at(-1)).toBe(
        'step.skipped {"step":"migrate","reason":"operator","by":"alice","actor":{"user":"alice","host":"<host>"},"note":"applied by hand per the Scrydon doc"}',
      );
      expect((await skipStep(runId, "nope", "x", h.opts())).exit).toBe(2);
      const resumed = await resumeRun(runId, {}, h.opts());
      expect(resumed.status).toBe("completed");
      expect(readFileSync(h.path("counter"), "utf8")).toBe("1");
    });

    it("rbx rollback unwinds a halted run, and a completed one", async () => {
      const halted = await startRun(
        upgradeRunbook({ policy: "halt" }),
        { cli: new Map() },
        undefined,
        h.opts(),
      );
      const rb = await rollbackRun(halted.runId as string, {}, h.opts());
      expect(rb).toMatchObject({ exit: 0, status: "rolled-back" });
      expect(readFileSync(h.path("undo.txt"), "utf8")).toBe("helm rollback\nrestore backup\n");
      expect((await rollbackRun(halted.runId as string, {}, h.opts())).exit).toBe(2);

      writeFileSync(h.path("undo.txt"), "");
      const done = await startRun(upgradeRunbook(), { cli: new Map() }, undefined, h.opts());
      expect(done.status).toBe("completed");
      const report = await inspectRun(h.store, done.runId as string, h.dir, h.opts().catalog);
      expect(report.choices.map((c) => c.command)).toEqual([`rbx rollback ${done.runId}`]);
      const after = await rollbackRun(done.runId as string, {}, h.opts({ user: "bob" }));
      expect(after).toMatchObject({ exit: 0, status: "rolled-back" });
      expect(readFileSync(h.path("undo.txt"), "utf8")).toBe(
        "helm rollback\nrestore schema\nrestore backup\n",
      );
      const j = await h.journal(done.runId as string);
      expect(j.find((l) => l.startsWith("rollback.started"))).toBe(
        'rollback.started {"reason":"operator","boundaries":["upgrade","backup"],"by":"bob","actor":{"user":"bob","host":"<host>"}}',
      );
    });

    it("halts when a rollback step fails, records where, and resume finishes the rollback", async () => {
      const rbCounter = h.path("rb-counter");
      const r = await startRun(
        upgradeRunbook({ rollbackFails: rbCounter }),
        { cli: new Map() },
        undefined,
        h.opts(),
      );
      expect(r.exit).toBe(3);
      const runId = r.runId as string;
      const report = await inspectRun(h.store, runId, h.dir, h.opts().catalog);
      expect(report.detail).toContain("rollback-failed");
      expect(report.rollbackNow[0]?.steps.map((s) => s.key)).toEqual([
        "rollback:upgrade/flaky_undo",
        "rollback:upgrade/3:check:undone/undo_log",
      ]);
      expect(report.choices[0]?.command).toBe(`rbx resume ${runId}`);
      const resumed = await resumeRun(runId, {}, h.opts());
      expect(resumed).toMatchObject({ exit: 1, status: "rolled-back" });
      expect(readFileSync(h.path("undo.txt"), "utf8")).toBe("helm rollback\nrestore backup\n");
      expect(await h.journal(runId)).toMatchSnapshot();
    });
  });
});
