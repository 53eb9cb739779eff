// What a rollback would do now, as status and the report say it: each rollback step's `when` evaluated over the
// run (will run / will skip, and why), and a plain word when the database would not be restored.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { foldReport } from "../../src/report/fold.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { previewFromJournal } from "../../src/run/sessions/rollback-preview.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { formatStatus } from "../../src/run/sessions/status-report.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

function runbook(): string {
  return h.write(
    "p.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: p, version: 1.0.0 }
params:
  releaseMigrations: { type: enum, values: [additive, destructive], default: additive }
connections:
  db: { kind: postgres, url: "postgres://u@127.0.0.1:1/db" }
phases:
  - id: upgrade
    onFailure: halt
    rollback:
      - action: snapshot.restore
        when: params.releaseMigrations == "destructive"
        with: { snapshot: pre-upgrade }
      - action: test.append
        with: { path: "${h.path("undo.txt")}", line: "helm rollback" }
    steps:
      - id: change
        action: test.append
        with: { path: "${h.path("log.txt")}", line: changed }
      - id: wait
        action: test.fail
        with: { message: "migrations pending" }
`,
  );
}

describe("rollback preview", () => {
  it("status says which rollback steps will run or skip and that the database will not be restored", async () => {
    const r = await startRun(runbook(), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("halted");
    const status = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog, undefined, {});
    expect(status.rollbackNow).toEqual([
      {
        boundary: "upgrade",
        steps: [
          {
            key: "rollback:upgrade/0",
            action: "snapshot.restore",
            when: 'params.releaseMigrations == "destructive"',
            will: "skip",
            why: '`params.releaseMigrations == "destructive"` is false (params.releaseMigrations = "additive")',
          },
          { key: "rollback:upgrade/1", action: "test.append", will: "run" },
        ],
      },
    ]);
    expect(status.database).toBe(
      'This rollback will NOT restore the database: rollback:upgrade/0 (snapshot.restore) will skip — `params.releaseMigrations == "destructive"` is false (params.releaseMigrations = "additive").',
    );
    const text = formatStatus(status);
    expect(text).toContain(
      '      rollback:upgrade/0  snapshot.restore  when params.releaseMigrations == "destructive"  — will skip: `params.releaseMigrations == "destructive"` is false (params.releaseMigrations = "additive")',
    );
    expect(text).toContain("      rollback:upgrade/1  test.append  — will run");
    expect(text).toContain("  This rollback will NOT restore the database:");
  });

  it("the report says the same, from the journal and the runbook", async () => {
    const r = await startRun(
      runbook(),
      { cli: new Map([["releaseMigrations", "destructive"]]) },
      undefined,
      h.opts(),
    );
    const read = await h.store.read(r.runId as string);
    const report = foldReport(read.events);
    const preview = await previewFromJournal(report.runId, read.events, h.dir, h.opts().catalog, {});
    expect(preview?.database).toBeUndefined();
    expect(preview?.boundaries[0]?.steps.map((s) => s.will)).toEqual(["run", "run"]);
    if (preview) report.rollbackPreview = preview;
    const md = renderMarkdown(report);
    expect(md).toContain("### A rollback now would");
    expect(md).toContain("- `rollback:upgrade/0` `snapshot.restore`: will run");
  });
});
