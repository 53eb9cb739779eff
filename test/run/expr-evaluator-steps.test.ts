// The evaluator's `steps` bindings: updated from the journal's touched steps only, and always equal to a build from scratch.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { type AnyAction, catalogOf } from "../../src/contract/action.js";
import type { JsonValue } from "../../src/contract/json.js";
import type { MapValue, Runbook } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";
import {
  createEvaluator,
  type EvaluatorCounters,
  type RunEvaluator,
} from "../../src/run/bind/expr-evaluator.js";
import { buildProgram } from "../../src/run/bind/program.js";
import { TaintRedactor } from "../../src/run/bind/taint-redactor.js";
import type { EventBody, RunEvent } from "../../src/run/model/events.js";
import { applyEvent, emptyState, type RunState } from "../../src/run/model/state.js";
import { testCatalog } from "./test-actions.js";

const catalog = catalogOf(testCatalog as readonly AnyAction[]);

function load(text: string): Runbook {
  const loaded = loadRunbook("steps.rb.yaml", text, { catalog: builtinCatalog });
  expect(loaded.runbook, loaded.diagnostics.map((d) => d.message).join("\n")).toBeDefined();
  return loaded.runbook as Runbook;
}

function evaluator(runbook: Runbook, counters?: EvaluatorCounters): RunEvaluator {
  return createEvaluator({
    runbook,
    params: {},
    secretParams: new Set(),
    env: {},
    redactor: new TaintRedactor(),
    catalog,
    ...(counters ? { counters } : {}),
  });
}

/** Apply events the way the driver does: each with its sequence number. */
function apply(state: RunState, ...bodies: EventBody[]): void {
  for (const body of bodies) {
    const seq = (state.last?.seq ?? 0) + 1;
    applyEvent(state, { ...body, seq, at: new Date(seq * 1000).toISOString(), prev: "" } as RunEvent);
  }
}

const flaky = "action: test.flaky\n        with: { counter: c, succeedOn: 1 }";

/** `n` steps, each run only when the one before it succeeded. */
function chain(n: number): string {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: chain, version: 1.0.0 }",
    "phases:",
  ];
  lines.push("  - id: all", "    steps:");
  for (let i = 0; i < n; i++) {
    lines.push(`      - id: s${i}`, `        ${flaky}`);
    if (i > 0)
      lines.push(
        `        when: steps.s${i - 1}.status == "succeeded" && steps.s${i - 1}.output.attempt == ${i - 1}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

describe("the evaluator's steps bindings", () => {
  it("rebuild only the entries of steps the journal touched, so a run of `when:` steps stays linear", () => {
    for (const n of [50, 400]) {
      const runbook = load(chain(n));
      const counters: EvaluatorCounters = { stepEntries: 0, typeEnvs: 0 };
      const ev = evaluator(runbook, counters);
      const state = emptyState("run");
      const steps = runbook.phases[0]?.steps ?? [];
      for (const [i, s] of steps.entries()) {
        if (s.when) expect(ev.condition(s.when, { state })).toEqual({ ok: true, value: true });
        apply(
          state,
          {
            type: "step.started",
            step: `s${i}`,
            phase: "all",
            action: "test.flaky",
            effect: "read",
            attempt: 1,
            args: {},
          },
          { type: "step.succeeded", step: `s${i}`, attempt: 1, output: { attempt: i } },
        );
      }
      // The first evaluation builds every entry once; after that each step's two events cost one rebuild.
      expect(counters.stepEntries).toBe(n + (n - 2));
      expect(counters.typeEnvs).toBe(1);
      // Nothing changed since: no work at all.
      const last = steps[n - 1]?.when;
      if (last) ev.condition(last, { state });
      expect(counters.stepEntries).toBe(n + (n - 1));
      if (last) ev.condition(last, { state });
      expect(counters.stepEntries).toBe(n + (n - 1));
    }
  });

  it("start over for another state object", () => {
    const runbook = load(chain(3));
    const counters: EvaluatorCounters = { stepEntries: 0, typeEnvs: 0 };
    const ev = evaluator(runbook, counters);
    const when = runbook.phases[0]?.steps[1]?.when;
    if (!when) throw new Error("no when");
    const a = emptyState("a");
    apply(a, { type: "step.succeeded", step: "s0", attempt: 1, output: { attempt: 0 } });
    expect(ev.condition(when, { state: a })).toEqual({ ok: true, value: true });
    expect(ev.condition(when, { state: emptyState("b") })).toEqual({ ok: true, value: false });
    expect(ev.condition(when, { state: a })).toEqual({ ok: true, value: true });
    expect(counters.stepEntries).toBe(3 + 3 + 3);
  });

  it("equal a build from scratch after any sequence of events, with suites run twice and rollbacks", () => {
    const runbook = load(`apiVersion: rbx/v1
kind: Runbook
metadata: { name: mix, version: 1.0.0 }
checks:
  healthy:
    - id: ready
      ${flaky.replace("        with", "      with")}
phases:
  - id: one
    rollback:
      - id: undo
        ${flaky}
      - check: healthy
    steps:
      - id: a
        ${flaky}
      - check: healthy
      - id: b
        ${flaky}
  - id: two
    steps:
      - check: healthy
      - id: c
        ${flaky}
  - id: observe
    steps:
      - id: observe
        action: test.flaky
        with:
          a: "\${{ steps.a }}"
          b: "\${{ steps.b }}"
          c: "\${{ steps.c }}"
          ready: "\${{ steps.ready }}"
          undo: "\${{ steps.undo }}"
`);
    const observe = runbook.phases[2]?.steps[0]?.with as MapValue;
    const keys = [...buildProgram(runbook).units.keys()];
    expect(keys).toContain("rollback:one/undo");
    expect(keys.filter((k) => k.endsWith("ready")).length).toBe(3);
    const event = fc.oneof(
      fc.record({
        kind: fc.constantFrom("started", "succeeded", "failed", "skipped", "not-done", "approval"),
        key: fc.constantFrom(...keys),
        n: fc.nat(9),
      }),
      fc.record({ kind: fc.constantFrom("rollback", "resume"), key: fc.constant(""), n: fc.constant(0) }),
    );
    const body = (e: { kind: string; key: string; n: number }): EventBody => {
      const error = { kind: "action-error" as const, message: "no", retryable: false };
      switch (e.kind) {
        case "started":
          return {
            type: "step.started",
            step: e.key,
            phase: "one",
            action: "test.flaky",
            effect: "write",
            attempt: 1,
            args: {},
          };
        case "succeeded":
          return { type: "step.succeeded", step: e.key, attempt: 1, output: { attempt: e.n } };
        case "failed":
          return { type: "step.failed", step: e.key, attempt: 1, error };
        case "skipped":
          return { type: "step.skipped", step: e.key, reason: "when" };
        case "not-done":
          return { type: "step.probed", step: e.key, result: "not-done" };
        case "approval":
          return { type: "approval.requested", step: e.key, prompt: "ok?" };
        case "rollback":
          return { type: "rollback.started", reason: "operator", boundaries: ["one"] };
        default:
          return { type: "run.resumed", user: "u", host: "h", pid: 1 };
      }
    };
    const program = buildProgram(runbook);
    /**
     * What `steps.<id>` must show: the record of the id's last unit (document order) that has one, with
     * `output` only when that record succeeded with an output (no `output` key at all otherwise).
     */
    const expected = (state: RunState, id: string) => {
      let st: { status: string; output?: JsonValue } | undefined;
      for (const u of program.units.values()) if (u.step.id?.value === id) st = state.steps.get(u.key) ?? st;
      const status = st?.status ?? "pending";
      return status === "succeeded" && st?.output !== undefined ? { output: st.output, status } : { status };
    };
    fc.assert(
      fc.property(fc.array(fc.array(event, { minLength: 1, maxLength: 3 }), { maxLength: 25 }), (batches) => {
        const state = emptyState("run");
        const ev = evaluator(runbook);
        for (const batch of batches) {
          apply(state, ...batch.map(body));
          const incremental = ev.value(observe, { state });
          const scratch = evaluator(runbook).value(observe, { state });
          expect(incremental).toEqual(scratch);
          if (!incremental.ok) throw new Error(incremental.message);
          const got = incremental.value as Record<string, JsonValue>;
          for (const id of ["a", "b", "c", "ready", "undo"]) expect(got[id]).toEqual(expected(state, id));
        }
      }),
      { numRuns: 200, seed: 424242 },
    );
  });
});
