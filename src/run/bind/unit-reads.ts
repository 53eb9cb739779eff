// What a flattened unit depends on and does, for the sessions that reason about a run without running it
// (the rollback preview): the `steps.<id>` its conditions read, its effect, and a `when` part already false.

import { stepRefs } from "../../check/run-order.js";
import type { AnyAction, Effect } from "../../contract/action.js";
import type { ExprText } from "../../parser/ast.js";
import type { Expr } from "../../parser/expr/ast.js";
import { parseExpr } from "../../parser/expr/parse.js";
import { stepEffect } from "../../parser/step-effect.js";
import type { RunState } from "../model/state.js";
import type { BoundRun } from "./bind-run.js";
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

/** The top-level `&&` operands of an expression. */
function conjuncts(e: Expr): Expr[] {
  return e.kind === "and" ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * A `when` part that is false whatever the pending steps return: a top-level `&&` operand that reads none of
 * them and is false now (`params.method == "compose" && <the ledger moved>` skips under helm, read or not).
 */
export function falseWithout(
  w: ExprText,
  pending: ReadonlySet<string>,
  bound: BoundRun,
  state: RunState,
): ExprText | undefined {
  const parsed = parseExpr(w.text);
  if (!parsed.ok) return undefined;
  for (const c of conjuncts(parsed.ast)) {
    if (stepRefs(c).some((r) => pending.has(r.id))) continue;
    const part: ExprText = {
      ...w,
      text: w.text.slice(c.start, c.end),
      offsets: w.offsets.slice(c.start, c.end + 1),
    };
    const r = bound.evaluator.condition(part, { state });
    if (r.ok && !r.value) return part;
  }
  return undefined;
}
