// A step's effect: its action's, unless the step declares `effect: read` for an action that allows it (exec).
import type { Effect } from "../contract/action.js";
import type { Step } from "./ast.js";

/** The effect a step has everywhere (journal, locks, lint, plan): read when declared so and allowed. */
export function stepEffect(
  step: Pick<Step, "effect">,
  def: { effect: Effect; effectOverridable?: boolean | undefined },
): Effect {
  return step.effect?.value === "read" && def.effectOverridable ? "read" : def.effect;
}
