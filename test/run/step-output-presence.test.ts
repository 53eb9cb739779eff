// `steps.<id>.output` exists only when the step produced one, so rollback steps can guard with `has(...)`.

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { type AnyAction, catalogOf } from "../../src/contract/action.js";
import type { Runbook } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";
import { createEvaluator } from "../../src/run/bind/expr-evaluator.js";
import { TaintRedactor } from "../../src/run/bind/taint-redactor.js";
import type { EventBody, RunEvent } from "../../src/run/model/events.js";
import { applyEvent, emptyState, type RunState } from "../../src/run/model/state.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";
import { testCatalog } from "./test-actions.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  const GUARD = "has(steps.migrations.output) && steps.migrations.output.applied.size() > 0";

  /** A boundary whose rollback restores only when migrations applied something; `after` always fails. */
  function runbook(): string {
    const undo = h.path("undo.txt");
    return h.write(
      "presence.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: presence, version: 1.0.0 }
params:
  migrate: { type: bool, default: true }
  failMigrations: { type: bool, default: false }
  failBefore: { type: bool, default: false }
phases:
  - id: upgrade
    rollback:
      - id: restore
        action: test.append
        when: ${GUARD}
        with: { path: "${undo}", line: "restore \${{ steps.migrations.output.applied.size() }} migrations" }
      - id: helm_back
        action: test.append
        with: { path: "${undo}", line: "helm rollback" }
    steps:
      - id: before
        action: test.fail
        when: params.failBefore
        with: { message: "precheck failed" }
      - id: migrations
        action: test.migrate
        when: params.migrate
        with: { path: "${h.path("applied.txt")}", names: [m1, m2], fail: "\${{ params.failMigrations }}" }
      - id: after
        action: test.fail
        with: { message: "smoke test failed" }
`,
    );
  }

  async function run(params: Record<string, string>) {
    const r = await startRun(runbook(), { cli: new Map(Object.entries(params)) }, undefined, h.opts());
    const journal = await h.journal(r.runId as string);
    return { r, journal, undo: readFileSync(h.path("undo.txt"), "utf8") };
  }

  describe("a rollback step guarded by has(steps.migrations.output)", () => {
    it("runs when migrations succeeded, reading what they applied", async () => {
      const { r, undo } = await run({});
      expect(r).toMatchObject({ exit: 1, status: "rolled-back" });
      expect(undo).toBe("restore 2 migrations\nhelm rollback\n");
    });

    it("is skipped, not failed, when migrations failed", async () => {
      const { r, undo, journal } = await run({ failMigrations: "true" });
      expect(r).toMatchObject({ exit: 1, status: "rolled-back" });
      expect(undo).toBe("helm rollback\n");
      expect(journal).toContain(
        'step.skipped {"step":"rollback:upgrade/restore","reason":"when","condition":"`has(steps.migrations.output) && steps.migrations.output.applied.size() > 0` is false (steps.migrations failed)"}',
      );
      expect(journal.some((l) => l.startsWith("step.failed") && l.includes("rollback:"))).toBe(false);
    });

    it("is skipped when migrations were skipped by their `when`", async () => {
      const { r, undo, journal } = await run({ migrate: "false" });
      expect(r).toMatchObject({ exit: 1, status: "rolled-back" });
      expect(undo).toBe("helm rollback\n");
      expect(journal).toContain(
        'step.skipped {"step":"migrations","reason":"when","condition":"params.migrate is false"}',
      );
      expect(journal).toContain(
        'step.skipped {"step":"rollback:upgrade/restore","reason":"when","condition":"`has(steps.migrations.output) && steps.migrations.output.applied.size() > 0` is false (steps.migrations skipped)"}',
      );
    });

    it("is skipped when migrations never ran (an earlier step failed)", async () => {
      const { r, undo } = await run({ failBefore: "true" });
      expect(r).toMatchObject({ exit: 1, status: "rolled-back" });
      expect(undo).toBe("helm rollback\n");
    });
  });

  describe("the steps.<id> binding", () => {
    const loaded = loadRunbook(
      "b.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: b, version: 1.0.0 }
phases:
  - id: main
    steps:
      - id: migrations
        action: test.migrate
        with: { path: /dev/null, names: [m1] }
`,
      { catalog: builtinCatalog },
    );
    const rb = loaded.runbook as Runbook;
    const ev = createEvaluator({
      runbook: rb,
      params: {},
      secretParams: new Set(),
      env: {},
      redactor: new TaintRedactor(),
      catalog: catalogOf(testCatalog as readonly AnyAction[]),
    });
    const when = (text: string) => ({ text, offsets: [...text, ""].map((_, i) => i), span: rb.span });
    const stateAfter = (...bodies: EventBody[]): RunState => {
      const state = emptyState("run");
      for (const [i, b] of bodies.entries())
        applyEvent(state, { ...b, seq: i + 1, at: new Date(0).toISOString(), prev: "" } as RunEvent);
      return state;
    };
    const started: EventBody = {
      type: "step.started",
      step: "migrations",
      phase: "main",
      action: "test.migrate",
      effect: "write",
      attempt: 1,
      args: {},
    };
    const error = { kind: "action-error" as const, message: "no", retryable: false };
    const cases: [string, RunState, boolean][] = [
      ["pending", stateAfter(), false],
      ["running", stateAfter(started), false],
      ["failed", stateAfter(started, { type: "step.failed", step: "migrations", attempt: 1, error }), false],
      ["skipped", stateAfter({ type: "step.skipped", step: "migrations", reason: "when" }), false],
      ["in doubt", stateAfter(started, { type: "run.resumed", user: "u", host: "h", pid: 1 }), false],
      [
        "settled by the operator",
        stateAfter(started, {
          type: "step.succeeded",
          step: "migrations",
          attempt: 1,
          output: null,
          settledBy: "operator",
        }),
        false,
      ],
      [
        "succeeded",
        stateAfter(started, {
          type: "step.succeeded",
          step: "migrations",
          attempt: 1,
          output: { applied: ["m1"] },
        }),
        true,
      ],
    ];

    it.each(cases.map(([name, state, present]) => ({ name, state, present })))(
      "has(steps.migrations.output) is right when the step is $name",
      ({ state, present }) => {
        expect(ev.condition(when("has(steps.migrations.output)"), { state })).toEqual({
          ok: true,
          value: present,
        });
        expect(ev.condition(when(GUARD), { state })).toEqual({ ok: true, value: present });
        const read = ev.condition(when("steps.migrations.output.applied.size() > 0"), { state });
        if (present) expect(read).toEqual({ ok: true, value: true });
        else expect(read.ok).toBe(false);
      },
    );

    it("keeps the status readable in every case", () => {
      const [, failed] = cases[2] as [string, RunState, boolean];
      expect(ev.condition(when('steps.migrations.status == "failed"'), { state: failed })).toEqual({
        ok: true,
        value: true,
      });
    });
  });
});
