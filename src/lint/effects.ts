// What a step does to the world, from the action catalog; unknown actions are assumed to write (see docs/rules).
import type { ActionCatalog, AnyAction } from "../contract/action.js";
import type { Step } from "../parser/ast.js";
import { stepEffect } from "../parser/step-effect.js";

/** `unknown` = the action is not in the catalog (a typo the checker reports, or a built-in not yet shipped). */
export type StepEffect = "read" | "write" | "unknown";

/** A step's effect as the catalog in use defines it; the rules read it through their context. */
export class StepEffects {
  constructor(private readonly catalog: ActionCatalog) {}

  /** The catalog entry of a step's action, if the step runs an action the catalog knows. */
  actionOf(step: Step): AnyAction | undefined {
    return step.action ? this.catalog.find(step.action.value) : undefined;
  }

  /** The effect of a step: a child run writes, check steps read; action steps take the catalog's `effect`. */
  effectOf(step: Step): StepEffect {
    if (step.run) return "write";
    if (step.check) return "read";
    if (!step.action) return "read";
    const def = this.catalog.find(step.action.value);
    return def ? stepEffect(step, def) : "unknown";
  }

  /**
   * Conservative reading used by the posture rules: a step may change something unless the catalog says it
   * only reads. An unknown action therefore counts as a write, so a typo never hides a missing safeguard.
   */
  mayWrite(step: Step): boolean {
    return this.effectOf(step) !== "read";
  }
}

/** True when the step runs exactly this action name. */
export function runsAction(step: Step, name: string): boolean {
  return step.action?.value === name;
}
