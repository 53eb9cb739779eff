// Which step can tell why a step failed: its own action when it can diagnose its target, else the nearest earlier
// step that succeeded and can (the upgrade a migration wait or a readiness check was waiting on).
import type { ActionCatalog, AnyAction } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import type { Evaluator } from "../bind/evaluator.js";
import type { Program, StepUnit } from "../bind/program.js";
import type { RunState } from "../model/state.js";
import { evalArgs } from "./decide-context.js";

/** A step whose action's `diagnose` reads the target, with the arguments to read it with. */
export interface DiagnosisSource {
  unit: StepUnit;
  action: AnyAction;
  args: JsonValue;
}

/** The source of the cause of `unit`'s failure (called with its own arguments), if any step can tell. */
export function diagnosisSource(
  program: Program,
  state: RunState,
  catalog: ActionCatalog,
  unit: StepUnit,
  evaluator: Evaluator,
  args: JsonValue,
): DiagnosisSource | undefined {
  const own = catalog.find(unit.action);
  if (own?.diagnose) return { unit, action: own, args };
  const candidates: StepUnit[] = [];
  for (const f of program.flow) {
    if (f.kind !== "step") continue;
    if (f.unit === unit) break;
    candidates.push(f.unit);
  }
  if (unit.rollback) {
    for (const u of program.rollbacks.get(unit.phase) ?? []) {
      if (u === unit) break;
      candidates.push(u);
    }
  }
  for (const c of candidates.reverse()) {
    const action = catalog.find(c.action);
    if (!action?.diagnose || state.steps.get(c.key)?.status !== "succeeded") continue;
    const r = evalArgs(evaluator, c.step.with, { state });
    const used = r.ok ? r.value : state.steps.get(c.key)?.args;
    if (used !== undefined) return { unit: c, action, args: used };
  }
  return undefined;
}
