// rbx status says before a rollback what it will do with each step: from the journal, or after running now the
// read-only rollback steps the conditions read (nothing journaled, nothing changed).
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

function runbook(): string {
  const ledger = h.path("ledger.txt");
  const undo = h.path("undo.txt");
  writeFileSync(ledger, "0000\n");
  return h.write(
    "preview.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: preview, version: 1.0.0 }
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
  Object.fromEntries(report.rollbackNow.flatMap((b) => b.steps).map((s) => [s.key, s.decision]));

describe("the rollback preview of rbx status", () => {
  it("decides from the journal what it can, and names the read a restore waits for", async () => {
    const r = await startRun(runbook(), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("halted");
    const report = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog);
    expect(decisions(report)).toEqual({
      "rollback:upgrade/ledgerNow": "will run",
      "rollback:upgrade/restore": "decided when the rollback runs",
      "rollback:upgrade/neverNeeded": "will skip",
    });
    const restore = report.rollbackNow[0]?.steps.find((s) => s.key === "rollback:upgrade/restore");
    expect(restore?.reason).toMatch(/it reads ledgerNow, which the rollback runs first/);
  });

  it("live: runs the read now and decides the restore, journaling nothing and changing nothing", async () => {
    const r = await startRun(runbook(), { cli: new Map() }, undefined, h.opts());
    const runId = r.runId as string;
    const before = (await h.journal(runId)).length;
    const live = { env: {}, signal: new AbortController().signal, say: () => {} };
    const moved = await inspectRun(h.store, runId, h.dir, h.opts().catalog, undefined, live);
    expect(decisions(moved)["rollback:upgrade/restore"]).toBe("will run");
    // The ledger back where the baseline saw it: the same preview now says the restore will be skipped.
    writeFileSync(h.path("ledger.txt"), "0000\n");
    const back = await inspectRun(h.store, runId, h.dir, h.opts().catalog, undefined, live);
    expect(decisions(back)["rollback:upgrade/restore"]).toBe("will skip");
    expect((await h.journal(runId)).length).toBe(before);
    expect(() => readFileSync(h.path("undo.txt"), "utf8")).toThrow();
  });
});
