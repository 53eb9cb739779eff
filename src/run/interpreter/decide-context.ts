// What a decision depends on (the same inputs always give the same command), and reading a step's `with:`.
import type { ActionCatalog } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import type { MapValue } from "../../parser/ast.js";
import type { EvalScope, Evaluator } from "../bind/evaluator.js";
import type { Program } from "../bind/program.js";
import type { RunState } from "../model/state.js";

/** Everything a decision depends on; the same inputs always give the same command. */
export interface DecideContext {
  program: Program;
  state: RunState;
  evaluator: Evaluator;
  catalog: ActionCatalog;
  now: number;
}

/** A step's `with:` as JSON for its action (an absent `with:` is an empty map). */
export function evalArgs(evaluator: Evaluator, w: MapValue | undefined, scope: EvalScope) {
  if (!w) return { ok: true as const, value: {} as JsonValue };
  return evaluator.value(w, scope);
}
