// The runbook flattened into an ordered list of units the interpreter walks: guards, phases, steps.
import { dirname, resolve } from "node:path";
import type { ExprText, FailurePolicy, Phase, Runbook, Step } from "../../parser/ast.js";

/** One step the interpreter runs: a main step, a check-suite step run in place, or a rollback step. */
export interface StepUnit {
  /** Unique within the run; the journal names steps by it. */
  key: string;
  /** The `steps.<id>` name its output is bound to (main steps with an id only). */
  outputId?: string;
  phase: string;
  step: Step;
  action: string;
  /** `when` conditions that must all hold: the step's own and that of an enclosing `check:` step. */
  whens: ExprText[];
  /** Guards of the step and of an enclosing `check:` step. */
  guards: Step["guards"];
  policy: FailurePolicy;
  /** The check suite this step belongs to, when run through `check: NAME`. */
  suite?: string;
  rollback: boolean;
  /** A `run:` step: the child runbook's file (resolved from the parent's folder). */
  run?: string;
  /** A rollback unit that unwinds the child run the main step of this key started (newest first). */
  unwind?: string;
}

/** What the main flow is made of, in order. */
export type FlowUnit =
  | { kind: "guards" }
  | { kind: "enter"; phase: Phase }
  | { kind: "step"; unit: StepUnit }
  | { kind: "exit"; phase: Phase };

/** A runbook ready to walk: the main flow and each boundary's rollback units. */
export interface Program {
  runbook: Runbook;
  flow: FlowUnit[];
  /** Step units by key (main and rollback). */
  units: Map<string, StepUnit>;
  /** Rollback units of each boundary phase, by phase id. */
  rollbacks: Map<string, StepUnit[]>;
  /** Phase ids that are rollback boundaries, in document order. */
  boundaries: string[];
}

/** Flatten a runbook; check suites expand in place under keys that say where they ran. */
export function buildProgram(runbook: Runbook): Program {
  const flow: FlowUnit[] = [{ kind: "guards" }];
  const units = new Map<string, StepUnit>();
  const rollbacks = new Map<string, StepUnit[]>();
  const suites = new Map(runbook.checks.map((c) => [c.name.value, c]));
  const boundaries: string[] = [];

  /** A suite's steps as units, nested `check:` steps expanded in place (the loader refuses cycles). */
  const suiteUnits = (
    name: string,
    base: string,
    whens: ExprText[],
    guards: Step["guards"],
    policy: FailurePolicy,
    phase: Phase,
    rollback: boolean,
    seen: readonly string[],
  ): StepUnit[] => {
    if (seen.includes(name)) return [];
    const out: StepUnit[] = [];
    for (const [j, inner] of (suites.get(name)?.steps ?? []).entries()) {
      const innerWhens = inner.when ? [...whens, inner.when] : whens;
      const innerGuards = [...guards, ...inner.guards];
      const innerPolicy = inner.onFailure?.value ?? policy;
      if (inner.check) {
        const nested = `${base}/${inner.id?.value ?? j}:check:${inner.check.value}`;
        out.push(
          ...suiteUnits(inner.check.value, nested, innerWhens, innerGuards, innerPolicy, phase, rollback, [
            ...seen,
            name,
          ]),
        );
        continue;
      }
      out.push({
        key: `${base}/${inner.id?.value ?? j}`,
        phase: phase.id.value,
        step: inner,
        action: inner.action?.value ?? "",
        whens: innerWhens,
        guards: innerGuards,
        policy: innerPolicy,
        suite: name,
        rollback,
      });
    }
    return out;
  };

  const expand = (steps: Step[], phase: Phase, prefix: string, rollback: boolean): StepUnit[] => {
    const out: StepUnit[] = [];
    steps.forEach((step, i) => {
      const policy = step.onFailure?.value ?? phase.onFailure?.value ?? runbook.onFailure.value;
      const whens = step.when ? [step.when] : [];
      if (step.check) {
        const base = `${prefix}${step.id?.value ?? `${i}`}:check:${step.check.value}`;
        out.push(...suiteUnits(step.check.value, base, whens, [...step.guards], policy, phase, rollback, []));
        return;
      }
      const id = step.id?.value;
      const key = rollback ? `${prefix}${id ?? i}` : (id ?? `${phase.id.value}/${i}`);
      const unit: StepUnit = {
        key,
        phase: phase.id.value,
        step,
        action: step.run ? `run ${step.run.value}` : (step.action?.value ?? ""),
        whens,
        guards: step.guards,
        policy,
        rollback,
      };
      if (step.run) unit.run = resolve(dirname(runbook.file), step.run.value);
      if (id && !rollback) unit.outputId = id;
      out.push(unit);
    });
    return out;
  };

  for (const phase of runbook.phases) {
    flow.push({ kind: "enter", phase });
    for (const unit of expand(phase.steps, phase, `${phase.id.value}/`, false)) {
      units.set(unit.key, unit);
      flow.push({ kind: "step", unit });
    }
    flow.push({ kind: "exit", phase });
    if (phase.rollback) {
      boundaries.push(phase.id.value);
      // The phase's child runs are unwound first, newest first; then its own rollback steps run.
      const unwinds = phase.steps
        .filter((s) => s.run && s.id)
        .reverse()
        .map((s): StepUnit => {
          const of = s.id?.value as string;
          return {
            key: `rollback:${phase.id.value}/unwind:${of}`,
            phase: phase.id.value,
            // Without the id: the unwinding's result must not stand for `steps.<id>.output` of the run step.
            step: { ...s, id: undefined },
            action: `unwind ${of}`,
            whens: [],
            guards: [],
            policy: "halt",
            rollback: true,
            unwind: of,
          };
        });
      const rb = [...unwinds, ...expand(phase.rollback, phase, `rollback:${phase.id.value}/`, true)];
      for (const unit of rb) units.set(unit.key, unit);
      rollbacks.set(phase.id.value, rb);
    }
  }
  return { runbook, flow, units, rollbacks, boundaries };
}
