// The one module that answers "what now?": choices from the folded journal, for the hint, status and report.
import { describe, expect, it } from "vitest";
import type { EventBody, RunEvent } from "../../src/run/model/events.js";
import { rbxCommand, recoveryChoices, safetyCheck } from "../../src/run/model/recovery-choices.js";
import { foldEvents } from "../../src/run/model/state.js";

const started: EventBody = {
  type: "run.started",
  runId: "r1",
  runbook: { name: "up", version: "1.0.0", file: "up.rb.yaml", contentHash: "h" },
  params: {},
  planHash: "p",
  user: "alice",
  host: "ops-1",
  pid: 42,
  locks: [],
};
const fold = (...bodies: EventBody[]) =>
  foldEvents(
    "r1",
    [started, ...bodies].map(
      (b, i) => ({ ...b, seq: i + 1, at: `2025-05-01T10:00:0${i}.000Z`, prev: "" }) as RunEvent,
    ),
  );
const step = (s: string, effect: "read" | "write", phase = "upgrade"): EventBody => ({
  type: "step.started",
  step: s,
  phase,
  action: effect === "read" ? "http.check" : "helm.upgrade",
  effect,
  attempt: 1,
  args: {},
});
const failed = (s: string): EventBody => ({
  type: "step.failed",
  step: s,
  attempt: 1,
  error: { kind: "action-error", message: "boom", retryable: false },
});
const enter = (phase: string, boundary: boolean): EventBody => ({ type: "phase.entered", phase, boundary });
const verbs = (state: ReturnType<typeof fold>, opts = {}) => recoveryChoices(state, opts).map((c) => c.verb);

describe("recoveryChoices", () => {
  it("quotes every word and repeats --state-dir", () => {
    expect(rbxCommand(["skip", "r1", "a b"], "/var/lib/rbx state", ["--reason", "it's done"])).toBe(
      "rbx skip r1 'a b' --state-dir '/var/lib/rbx state' --reason 'it'\\''s done'",
    );
  });

  it("gives nothing while a process runs the run, and conditions the choices when it cannot tell", () => {
    const s = fold(enter("upgrade", true), step("helm", "write"));
    expect(verbs(s, { runner: "alive" })).toEqual([]);
    const unknown = recoveryChoices(s, { runner: "unknown" });
    expect(unknown.map((c) => c.explains.startsWith("if its process is gone (crashed): "))).toEqual([
      true,
      true,
    ]);
    const gone = recoveryChoices(s, { runner: "gone" });
    expect(gone[0]?.explains).toContain(
      "helm was started but never recorded as finished, so resume first asks its probe",
    );
    expect(gone[0]?.explains).not.toContain("re-run");
  });

  it("shows STEP=VALUE for an approval that asks for a value, and STEP alone when the value has a default", () => {
    const asking = (input: { pattern: string; default?: string }) =>
      recoveryChoices(
        fold(
          enter("upgrade", true),
          { type: "approval.requested", step: "pick", prompt: "which tag?", input },
          { type: "run.halted", reason: "waiting-for-approval", step: "pick", message: "waiting" },
        ),
        {},
      );
    const needs = asking({ pattern: "^v[0-9]+$" });
    expect(needs.slice(0, 2).map((c) => c.command)).toEqual([
      "rbx resume r1 --approve pick=VALUE",
      "rbx approve r1 pick=VALUE",
    ]);
    expect(needs[0]?.explains).toContain("with its VALUE (matching ^v[0-9]+$)");
    expect(asking({ pattern: "^v[0-9]+$", default: "v1" })[0]?.command).toBe("rbx resume r1 --approve pick");
  });

  it("never offers to skip an approval, a false guard or a pre-check", () => {
    const approval = fold(enter("upgrade", true), {
      type: "run.halted",
      reason: "waiting-for-approval",
      step: "gate",
      message: "waiting",
    });
    expect(verbs(approval)).toEqual(["approve", "approve", "rollback"]);
    expect(recoveryChoices(approval, {})[0]?.command).toBe("rbx resume r1 --approve gate");
    const guard = fold(enter("upgrade", true), {
      type: "run.halted",
      reason: "guard-failed",
      step: "helm",
      message: "helm: window closed",
    });
    expect(verbs(guard)).toEqual(["resume", "rollback"]);
    expect(safetyCheck(guard, "helm")).toBe("guard");
    const pre = fold(enter("precheck", false), step("licence", "read", "precheck"), failed("licence"), {
      type: "run.halted",
      reason: "step-failed",
      step: "licence",
      message: "licence failed",
    });
    expect(verbs(pre)).toEqual(["resume"]);
    expect(safetyCheck(pre, "licence")).toBe("check");
    // After a boundary, a read is a wait or a verification: marking it done is the "skip" path.
    const wait = fold(enter("upgrade", true), step("migrations", "read"), failed("migrations"), {
      type: "run.halted",
      reason: "step-failed",
      step: "migrations",
      message: "migrations failed",
    });
    expect(verbs(wait)).toEqual(["resume", "skip", "rollback"]);
  });

  it("continues an open rollback, never offers a second one, and says so", () => {
    const s = fold(
      enter("upgrade", true),
      { type: "rollback.started", reason: "operator", boundaries: ["upgrade"], by: "bob" },
      step("rollback:upgrade/undo", "write"),
      { type: "run.interrupted", step: "rollback:upgrade/undo", signal: "SIGINT" },
    );
    const choices = recoveryChoices(s, { stateDir: "st" });
    expect(choices.map((c) => [c.verb, c.command])).toEqual([["resume", "rbx resume r1 --state-dir st"]]);
    expect(choices[0]?.explains).toMatch(
      /^continue the rollback of upgrade; rollback:upgrade\/undo was started/,
    );
  });

  it("offers to undo a completed run and nothing once it is rolled back or failed", () => {
    expect(verbs(fold(enter("upgrade", true), { type: "run.completed" }))).toEqual(["rollback"]);
    expect(verbs(fold(enter("precheck", false), { type: "run.completed" }))).toEqual([]);
    expect(verbs(fold({ type: "run.failed", reason: "guards", message: "no" }))).toEqual([]);
  });
});

describe("a run without its start event", () => {
  it("has no choices: resume would have no runbook or params to continue from", () => {
    const state = foldEvents("r1", []);
    expect(recoveryChoices(state, { runner: "gone" })).toEqual([]);
    expect(recoveryChoices(state, { runner: "unknown" })).toEqual([]);
  });
});
