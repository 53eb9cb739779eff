// RunOrder's views against the copy-per-step definition it replaced, over generated documents; and the checker's work stays linear.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { type CheckCounters, checkRunbook } from "../../src/check/check-runbook.js";
import { RunbookEnvs, runbookEnv } from "../../src/check/environment.js";
import { RunOrder } from "../../src/check/run-order.js";
import { T } from "../../src/contract/cel-types.js";
import type { Runbook, Step } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";

/** The definition RunOrder must keep: every step gets a copy of the ids run before it (quadratic, but plain). */
function referenceOrder(runbook: Runbook): Map<Step, Set<string>> {
  const before = new Map<Step, Set<string>>();
  const placed: string[] = [];
  const place = (id: string) => {
    if (!placed.includes(id)) placed.push(id);
  };
  const done = new Set<string>();
  const checkUses = new Map<string, Set<string>[]>();
  const visit = (steps: Step[], rollback: Set<string> | undefined) => {
    const local = new Set(rollback ?? done);
    for (const s of steps) {
      before.set(s, new Set(local));
      if (s.verify) before.set(s.verify, new Set([...local, ...(s.id ? [s.id.value] : [])]));
      if (s.check) checkUses.set(s.check.value, [...(checkUses.get(s.check.value) ?? []), new Set(local)]);
      if (s.id) {
        place(s.id.value);
        local.add(s.id.value);
        if (!rollback) done.add(s.id.value);
      }
    }
  };
  for (const p of runbook.phases) {
    visit(p.steps, undefined);
    visit(p.rollback ?? [], new Set(done));
  }
  for (const c of runbook.checks) {
    const uses = checkUses.get(c.name.value) ?? [];
    const local = new Set(uses[0] ?? placed);
    for (const u of uses.slice(1)) for (const id of local) if (!u.has(id)) local.delete(id);
    for (const s of c.steps) {
      before.set(s, new Set(local));
      if (s.id) {
        place(s.id.value);
        local.add(s.id.value);
      }
    }
  }
  return before;
}

const IDS = ["a", "b", "c", "d", "e", "f"];
const SUITES = ["s0", "s1", "s2"];

interface StepShape {
  id?: string;
  check?: string;
  verify: boolean;
}
const stepShape = fc.record(
  {
    id: fc.constantFrom(...IDS),
    check: fc.constantFrom(...SUITES),
    verify: fc.boolean(),
  },
  { requiredKeys: ["verify"] },
);
const docShape = fc.record({
  phases: fc.array(
    fc.record({
      steps: fc.array(stepShape, { minLength: 1, maxLength: 5 }),
      rollback: fc.option(fc.array(stepShape, { minLength: 1, maxLength: 4 })),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  suites: fc.array(fc.array(fc.constantFrom(...IDS), { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
});

type DocShape = typeof docShape extends fc.Arbitrary<infer X> ? X : never;

let anonymous = 0;
function stepYaml(s: StepShape, indent: string): string[] {
  // An action step needs an id; a `check:` step may go without.
  const id = s.id ?? (s.check ? undefined : `n${anonymous++}`);
  const lines = s.check
    ? [`${indent}- check: ${s.check}`]
    : [`${indent}- action: test.flaky`, `${indent}  with: { counter: c, succeedOn: 1 }`];
  if (id) lines.push(`${indent}  id: ${id}`);
  if (s.verify)
    lines.push(`${indent}  verify:`, `${indent}    id: v${id ?? "x"}`, `${indent}    action: test.read`);
  return lines;
}

/** The text of a document of this shape (it may repeat ids or call missing suites: the loader reports, RunOrder copes). */
function docYaml(shape: DocShape): string {
  const lines = ["apiVersion: rbx/v1", "kind: Runbook", "metadata: { name: order, version: 1.0.0 }"];
  if (shape.suites.length > 0) {
    lines.push("checks:");
    shape.suites.forEach((ids, i) => {
      lines.push(`  s${i}:`);
      for (const id of ids) lines.push(...stepYaml({ id, verify: false }, "    "));
    });
  }
  lines.push("phases:");
  shape.phases.forEach((p, i) => {
    lines.push(`  - id: p${i}`);
    if (p.rollback) {
      lines.push("    rollback:");
      for (const s of p.rollback) lines.push(...stepYaml(s, "      "));
    }
    lines.push("    steps:");
    for (const s of p.steps) lines.push(...stepYaml(s, "      "));
  });
  return `${lines.join("\n")}\n`;
}

/** Every step of a runbook, nested verify steps included. */
function allSteps(runbook: Runbook): Step[] {
  const out: Step[] = [];
  const add = (s: Step) => {
    out.push(s);
    if (s.verify) add(s.verify);
  };
  for (const p of runbook.phases) for (const s of [...p.steps, ...(p.rollback ?? [])]) add(s);
  for (const c of runbook.checks) for (const s of c.steps) add(s);
  return out;
}

describe("RunOrder", () => {
  it("answers exactly what a per-step copy of the ids run before would hold", () => {
    let compared = 0;
    fc.assert(
      fc.property(docShape, (shape) => {
        const loaded = loadRunbook("order.rb.yaml", docYaml(shape), { catalog: builtinCatalog });
        const runbook = loaded.runbook;
        expect(runbook, loaded.diagnostics.map((d) => d.message).join("\n")).toBeDefined();
        if (!runbook) return;
        const want = referenceOrder(runbook);
        const order = new RunOrder(runbook);
        for (const s of allSteps(runbook)) {
          const expected = want.get(s) ?? new Set<string>();
          const ran = order.ranBefore(s);
          for (const id of [...IDS, ...IDS.map((x) => `v${x}`), "vx"]) {
            expect(ran.has(id), `${id} before ${s.id?.value ?? "step"}`).toBe(expected.has(id));
            compared++;
          }
        }
      }),
      { numRuns: 300, seed: 20240611 },
    );
    expect(compared).toBeGreaterThan(1000);
    expect(
      new RunOrder(
        loadRunbook(
          "e.rb.yaml",
          docYaml({ phases: [{ steps: [{ verify: false }], rollback: null }], suites: [] }),
          { catalog: builtinCatalog },
        ).runbook as Runbook,
      )
        .ranBefore(undefined)
        .has("a"),
    ).toBe(false);
  });
});

/** A runbook of `n` steps in phases of ten behind rollbacks that run a suite, mixing actions, `when`, `expect`. */
function bigRunbook(n: number): string {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: big, version: 1.0.0 }",
    "params:",
    "  baseUrl: { type: url, default: 'http://127.0.0.1:1' }",
    "checks:",
    "  healthy:",
    "    - id: ready",
    "      action: http.check",
    '      with: { url: "${{ params.baseUrl }}/readyz" }',
    "      retry: { until: output.status == 200, every: 5s, timeout: 5m }",
    "phases:",
  ];
  let made = 0;
  for (let p = 0; made < n; p++) {
    lines.push(`  - id: p${p}`, "    rollback:", `      - id: undo${p}`, "        action: http.check");
    lines.push('        with: { url: "${{ params.baseUrl }}/undo" }', "      - check: healthy", "    steps:");
    for (let i = 0; i < 10 && made < n; i++, made++) {
      const id = `s${made}`;
      if (i % 3 === 0) {
        lines.push(
          `      - id: ${id}`,
          "        action: http.check",
          '        with: { url: "${{ params.baseUrl }}/x" }',
        );
        lines.push("        expect: [{ that: output.status == 200 }]");
      } else if (i % 3 === 1) {
        lines.push(
          `      - id: ${id}`,
          "        action: http.check",
          '        with: { url: "${{ params.baseUrl }}/y" }',
        );
        lines.push(`        when: steps.s${made - 1}.output.status == 200`);
      } else lines.push("      - check: healthy");
    }
  }
  return `${lines.join("\n")}\n`;
}

describe("checkRunbook work", () => {
  it("walks the runbook for its type environment once, whatever its size", () => {
    for (const n of [30, 300]) {
      const loaded = loadRunbook("big.rb.yaml", bigRunbook(n), { catalog: builtinCatalog });
      expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const counters: CheckCounters = { runbookWalks: 0, outputEnvs: 0, idsCopied: 0 };
      expect(checkRunbook(loaded.runbook as Runbook, builtinCatalog, loaded.source, counters)).toEqual([]);
      // One environment build; one `output` variant per distinct output type (http.check's, and dyn for `check:` steps).
      expect(counters).toEqual({ runbookWalks: 1, outputEnvs: 2, idsCopied: 0 });
    }
  });

  it("derives `output` environments from one base, one object per output type", () => {
    const runbook = loadRunbook("big.rb.yaml", bigRunbook(20), { catalog: builtinCatalog })
      .runbook as Runbook;
    const envs = new RunbookEnvs(runbook, builtinCatalog);
    const withInt = envs.withOutput(T.int);
    expect(envs.withOutput(T.int)).toBe(withInt);
    expect(envs.withOutput()).toBe(envs.base);
    expect(withInt.variables.steps).toBe(envs.base.variables.steps);
    expect(withInt.secrets).toBe(envs.base.secrets);
    expect(envs.derived).toBe(1);
    // The same names and types as building the whole environment again.
    expect(withInt).toEqual(runbookEnv(runbook, builtinCatalog, T.int));
    expect(envs.base).toEqual(runbookEnv(runbook, builtinCatalog));
  });
});
