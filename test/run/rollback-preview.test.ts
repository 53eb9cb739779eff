// What a rollback would do now, as status and the report say it: each rollback step's `when` evaluated over the
// run (will run / will skip, and why), and a plain word when the database would not be restored; a restore that
// reads a step the rollback runs first waits for it, and --preview-rollback runs those reads now (nothing journaled).
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { foldReport } from "../../src/report/fold.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { foldEvents } from "../../src/run/model/state.js";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { previewRollback, previewSource } from "../../src/run/sessions/rollback-preview.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { formatStatus } from "../../src/run/sessions/status-report.js";
import { recordingStore } from "../support/recording-store.js";
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

  it("status loads the runbook from the journal's first event before it reads the journal, with the same preview", async () => {
    const r = await startRun(runbook(), { cli: new Map() }, undefined, h.opts());
    const before = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog, undefined, {});
    // The store's calls in order: the runbook's YAML parse is status's peak of memory, so nothing of the
    // journal (its events, their folded state) may be held beside it.
    const calls: string[] = [];
    const store = recordingStore(h.store, calls);
    const after = await inspectRun(store, r.runId as string, h.dir, h.opts().catalog, undefined, {});
    expect(calls.slice(0, 2)).toEqual(["firstEvent", "document"]);
    expect(calls.indexOf("read")).toBeGreaterThan(calls.indexOf("document"));
    expect(after).toEqual(before);
    expect(after.rollbackNow?.[0]?.steps.map((s) => s.will)).toEqual(["skip", "run"]);
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
    const state = foldEvents(report.runId, read.events);
    const started = read.events[0];
    if (started?.type !== "run.started") throw new Error("the journal starts with run.started");
    const source = await previewSource(started, h.dir, h.opts().catalog);
    const preview = source && (await previewRollback(state, source.program, source.catalog, { env: {} }));
    expect(preview?.database).toBeUndefined();
    expect(preview?.boundaries[0]?.steps.map((s) => s.will)).toEqual(["run", "run"]);
    if (preview) report.rollbackPreview = preview;
    const md = renderMarkdown(report);
    expect(md).toContain("### A rollback now would");
    expect(md).toContain("- `rollback:upgrade/0` `snapshot.restore`: will run");
  });
});

function readsRunbook(): string {
  const ledger = h.path("ledger.txt");
  const undo = h.path("undo.txt");
  writeFileSync(ledger, "0000\n");
  return h.write(
    "reads.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: preview, version: 1.0.0 }
params:
  mode: { type: enum, values: [restore, keep], default: keep }
phases:
  - id: precheck
    steps:
      - id: ledgerBefore
        action: test.read
        with: { path: "${ledger}" }
  - id: upgrade
    rollback:
      - id: ledgerNow
        action: test.read
        with: { path: "${ledger}" }
      - id: restore
        action: test.append
        when: steps.ledgerNow.output.count != steps.ledgerBefore.output.count
        with: { path: "${undo}", line: restore }
      - id: onlyToRestore
        action: test.append
        when: params.mode == "restore" && steps.ledgerNow.output.count != steps.ledgerBefore.output.count
        with: { path: "${undo}", line: mode }
      - id: neverNeeded
        action: test.append
        when: "!has(steps.ledgerBefore.output)"
        with: { path: "${undo}", line: never }
    steps:
      - id: migrate
        action: test.append
        with: { path: "${ledger}", line: "0001" }
      - id: broken
        action: test.fail
        onFailure: halt
        with: { message: the rollout failed }
`,
  );
}

const decisions = (report: Awaited<ReturnType<typeof inspectRun>>) =>
  Object.fromEntries(report.rollbackNow.flatMap((b) => b.steps).map((s) => [s.key, s.will]));

describe("the rollback preview of rbx status", () => {
  it("decides from the journal what it can, and names the read a restore waits for", async () => {
    const r = await startRun(readsRunbook(), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("halted");
    const report = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog, undefined, {});
    expect(decisions(report)).toEqual({
      "rollback:upgrade/ledgerNow": "run",
      "rollback:upgrade/restore": "unknown",
      "rollback:upgrade/onlyToRestore": "skip",
      "rollback:upgrade/neverNeeded": "skip",
    });
    // A false part that reads no pending step decides the skip before the read.
    const only = report.rollbackNow[0]?.steps.find((s) => s.key === "rollback:upgrade/onlyToRestore");
    expect(only?.why).toBe('`params.mode == "restore"` is false (params.mode = "keep")');
    const restore = report.rollbackNow[0]?.steps.find((s) => s.key === "rollback:upgrade/restore");
    expect(restore?.why).toMatch(/it reads ledgerNow, which the rollback runs first/);
    expect(formatStatus(report)).toMatch(
      /rollback:upgrade\/restore {2}test\.append {2}when .* — cannot tell now: it reads ledgerNow, which the rollback runs first \(rbx status RUN --preview-rollback runs it now\)/,
    );
  });

  it("live: runs the read now and decides the restore, journaling nothing and changing nothing", async () => {
    const r = await startRun(readsRunbook(), { cli: new Map() }, undefined, h.opts());
    const runId = r.runId as string;
    const before = (await h.journal(runId)).length;
    const live = { signal: new AbortController().signal, say: () => {} };
    const moved = await inspectRun(h.store, runId, h.dir, h.opts().catalog, undefined, {}, live);
    expect(decisions(moved)["rollback:upgrade/restore"]).toBe("run");
    // The ledger back where the baseline saw it: the same preview now says the restore will be skipped.
    writeFileSync(h.path("ledger.txt"), "0000\n");
    const back = await inspectRun(h.store, runId, h.dir, h.opts().catalog, undefined, {}, live);
    expect(decisions(back)["rollback:upgrade/restore"]).toBe("skip");
    expect((await h.journal(runId)).length).toBe(before);
    expect(() => readFileSync(h.path("undo.txt"), "utf8")).toThrow();
  });
});
