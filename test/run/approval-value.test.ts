// An approval that carries a value: given with --approve STEP=VALUE, journaled, and read by later steps.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recoveryChoices } from "../../src/run/model/recovery-choices.js";
import { foldEvents } from "../../src/run/model/state.js";
import { approveStep } from "../../src/run/sessions/approve-step.js";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

const runbook = (log: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: approval-value, version: 1.0.0 }
phases:
  - id: main
    onFailure: halt
    steps:
      - id: pick
        action: approve
        with:
          prompt: Which migration should be marked applied?
          input: { pattern: "(auth|cortex):[0-9]{4}_[a-z_]+", description: "DATABASE:TAG" }
      - id: use
        action: test.append
        with: { path: "${log}", line: "\${{ steps.pick.output.value.split(':')[1] }} on \${{ steps.pick.output.value.split(':')[0] }}" }
`;

describe("approve with an input value", () => {
  it("halts asking for the value, and resume --approve STEP=VALUE records it for the next steps", async () => {
    const log = h.path("log.txt");
    const file = h.write("a.rb.yaml", runbook(log));
    const first = await startRun(file, { cli: new Map() }, undefined, h.opts({ approveAll: true }));
    expect(first.status).toBe("halted");
    const halted = h.events.find((e) => e.type === "run.halted");
    expect(halted && "message" in halted ? halted.message : "").toMatch(
      /pick needs a value \(DATABASE:TAG, matching .*\): give it with --approve pick=VALUE/,
    );
    // Every hint of the halted run shows the form the value is given in.
    const choices = recoveryChoices(foldEvents(first.runId as string, h.events), {});
    expect(choices.filter((c) => c.verb === "approve").map((c) => c.command)).toEqual([
      expect.stringContaining("--approve pick=VALUE"),
      `rbx approve ${first.runId} pick=VALUE`,
    ]);
    const refused = await resumeRun(
      first.runId as string,
      {},
      h.opts({ approve: new Set(["pick=auth:drop"]) }),
    );
    expect(refused.status).toBe("halted");
    const resumed = await resumeRun(
      first.runId as string,
      {},
      h.opts({ approve: new Set(["pick=cortex:0001_models_owner_fk"]) }),
    );
    expect(resumed.status).toBe("completed");
    expect(readFileSync(log, "utf8")).toBe("0001_models_owner_fk on cortex\n");
    const journal = await h.journal(first.runId as string);
    expect(journal.filter((l) => l.startsWith("approval.granted"))).toEqual([
      'approval.granted {"step":"pick","by":"tester","via":"flag","actor":{"user":"tester","host":"<host>"},"value":"cortex:0001_models_owner_fk"}',
    ]);
  });

  it("rbx approve RUN STEP=VALUE records the value with the approval (refused without one, or off the pattern)", async () => {
    const log = h.path("log.txt");
    const file = h.write("a.rb.yaml", runbook(log));
    const first = await startRun(file, { cli: new Map() }, undefined, h.opts());
    expect(first.status).toBe("halted");
    const runId = first.runId as string;
    expect((await approveStep(runId, "pick", h.opts({ user: "dora" }))).exit).toBe(2);
    expect(h.said.at(-1)).toMatch(/pick needs a value \(DATABASE:TAG, matching .*\): give it as pick=VALUE/);
    expect((await approveStep(runId, "pick=auth:drop", h.opts({ user: "dora" }))).exit).toBe(2);
    expect(h.said.at(-1)).toContain("pick=auth:drop was refused: the value must match");
    expect((await approveStep(runId, "pick=auth:0002_add_index", h.opts({ user: "dora" }))).exit).toBe(0);
    const resumed = await resumeRun(runId, {}, h.opts());
    expect(resumed.status).toBe("completed");
    expect(readFileSync(log, "utf8")).toBe("0002_add_index on auth\n");
    const journal = await h.journal(runId);
    expect(journal.filter((l) => l.startsWith("approval.granted"))).toEqual([
      'approval.granted {"step":"pick","by":"dora","via":"approve","actor":{"user":"dora","host":"<host>"},"value":"auth:0002_add_index"}',
    ]);
  });
});
