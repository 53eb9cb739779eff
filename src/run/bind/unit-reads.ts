// What a flattened unit depends on and does, for the sessions that reason about a run without running it
// (the rollback preview): the `steps.<id>` its conditions read, and its effect.

import { stepRefs } from "../../check/run-order.js";
import type { AnyAction, Effect } from "../../contract/action.js";
import { parseExpr } from "../../parser/expr/parse.js";
import { stepEffect } from "../../parser/step-effect.js";
import type { StepUnit } from "./program.js";

/** The `steps.<id>` a unit's `when` conditions read. */
export function stepsReadBy(unit: StepUnit): string[] {
  return unit.whens.flatMap((w) => {
    const parsed = parseExpr(w.text);
    return parsed.ok ? stepRefs(parsed.ast).map((r) => r.id) : [];
  });
}

/** The unit's effect: its action's, or read when the step declares it for an exec. */
export function unitEffect(unit: StepUnit, action: AnyAction): Effect {
  return stepEffect(unit.step, action);
}
