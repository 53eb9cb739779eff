// The forward run in order, the failure policy each step runs under, and the rollback steps a failure unwinds.
import type { FailurePolicy, Phase, Runbook, Step } from "../parser/ast.js";

/** A phase step with where it runs. */
export interface Placed {
  step: Step;
  phase: Phase;
  phaseIndex: number;
  /** Position among all phase steps of the runbook, in run order. */
  at: number;
}

/** Every phase step in run order. */
export function forwardSteps(runbook: Runbook): Placed[] {
  const out: Placed[] = [];
  runbook.phases.forEach((phase, phaseIndex) => {
    for (const step of phase.steps) out.push({ step, phase, phaseIndex, at: out.length });
  });
  return out;
}

/** What a failure of this step does: the step's `onFailure`, else its phase's, else the runbook's. */
export function failurePolicy(step: Step, phase: Phase, runbook: Runbook): FailurePolicy {
  return step.onFailure?.value ?? phase.onFailure?.value ?? runbook.onFailure.value;
}

/** The boundaries entered when a step of phase `phaseIndex` runs, newest first (the order they unwind in). */
export function enteredBoundaries(runbook: Runbook, phaseIndex: number): Phase[] {
  return runbook.phases
    .slice(0, phaseIndex + 1)
    .filter((p) => p.rollback !== undefined)
    .reverse();
}

/** The rollback steps a failure in phase `phaseIndex` runs, in the order they run. */
export function unwinding(runbook: Runbook, phaseIndex: number): Step[] {
  return enteredBoundaries(runbook, phaseIndex).flatMap((p) => p.rollback ?? []);
}
