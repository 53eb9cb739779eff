// An approval is given only by a person approving: rbx skip refuses the gate, and a journal that records a
// skip of it anyway (written before that refusal, or by hand) still gets the gate before the run goes on.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { skipStep } from "../../src/run/sessions/skip-step.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

const gated = () =>
  h.write(
    "gate.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: gate, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: gate
        action: approve
        with: { prompt: "Read the CHANGELOG" }
      - id: after
        action: test.append
        with: { path: "${h.path("log.txt")}", line: "approved by \${{ steps.gate.output.approvedBy }}" }
`,
  );

describe("the approval gate", () => {
  it("rbx skip refuses it, with or without --override-check, and journals nothing", async () => {
    const r = await startRun(gated(), { cli: new Map() }, undefined, h.opts());
    expect(r).toMatchObject({ exit: 3, status: "halted" });
    const runId = r.runId as string;
    const before = await h.journal(runId);
    for (const overrideCheck of [false, true]) {
      const s = await skipStep(runId, "gate", "nobody around", h.opts(), { overrideCheck });
      expect(s.exit).toBe(2);
    }
    expect(h.said.join("\n")).toContain("an approval is given only by approving");
    expect(await h.journal(runId)).toEqual(before);
  });

  it("a journal that records a skip of the gate still asks for the approval", async () => {
    const r = await startRun(gated(), { cli: new Map() }, undefined, h.opts());
    const runId = r.runId as string;
    // What `rbx skip RUN gate` wrote before it refused approvals.
    const read = await h.store.read(runId);
    const journal = await h.store.reopen(runId, read);
    journal.append({
      type: "step.skipped",
      step: "gate",
      reason: "operator",
      by: "mallory",
      note: "skip it",
    });
    await journal.flush();
    await journal.close();

    const again = await resumeRun(runId, {}, h.opts());
    expect(again).toMatchObject({ exit: 3, status: "halted" });
    expect((await h.journal(runId)).at(-1)).toMatch(
      /^run.halted \{"reason":"waiting-for-approval","step":"gate"/,
    );
    const ok = await resumeRun(runId, {}, h.opts({ approve: new Set(["gate"]), user: "carol" }));
    expect(ok).toMatchObject({ exit: 0, status: "completed" });
    expect(readFileSync(h.path("log.txt"), "utf8")).toBe("approved by carol\n");
  });
});
