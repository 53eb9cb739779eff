// `effect: read` on an exec step: journaled and shown as a read, no lock taken, no probe when left running.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

const runbook = (declareRead: boolean) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: read-exec, version: 1.0.0 }
phases:
  - id: verify
    onFailure: halt
    steps:
      - id: signature
        action: exec
${declareRead ? "        effect: read\n" : ""}        with: { program: "${process.execPath}", args: ["-e", "console.log('verified')"] }
`;

function started(events: typeof h.events) {
  return events.flatMap((e) => (e.type === "step.started" ? [{ step: e.step, effect: e.effect }] : []));
}

describe("exec with effect: read", () => {
  it("is journaled as a read and takes no lock", async () => {
    const r = await startRun(h.write("a.rb.yaml", runbook(true)), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("completed");
    expect(started(h.events)).toEqual([{ step: "signature", effect: "read" }]);
    const runStarted = h.events.find((e) => e.type === "run.started");
    expect(runStarted && "locks" in runStarted ? runStarted.locks : undefined).toEqual([]);
  });

  it("without the declaration the same step is a write and locks the runbook", async () => {
    const r = await startRun(h.write("b.rb.yaml", runbook(false)), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("completed");
    expect(started(h.events)).toEqual([{ step: "signature", effect: "write" }]);
    const runStarted = h.events.find((e) => e.type === "run.started");
    expect(runStarted && "locks" in runStarted ? runStarted.locks : []).toHaveLength(1);
  });
});
