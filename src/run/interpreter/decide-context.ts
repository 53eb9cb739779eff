// What a decision depends on (the same inputs always give the same command), and reading a step's `with:`.
import type { ActionCatalog } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import type { MapValue } from "../../parser/ast.js";
import type { EvalScope, Evaluator } from "../bind/evaluator.js";
import type { Program } from "../bind/program.js";
import type { RunState } from "../model/state.js";

/**
 * How far the flow is known done, so each decision resumes there instead of rescanning: the first main-flow
 * unit that may not be done, and the position in the rollback of one rollback state. Sound because a unit that
 * is done stays done for the life of that state. `decide` returns the next progress; it never mutates.
 */
export interface DecideProgress {
  readonly cursor: number;
  readonly rollback?: {
    readonly of: object;
    readonly b: number;
    readonly u: number;
    readonly checks: number;
  };
}

/** The progress before any decision. */
export const START: DecideProgress = { cursor: 0 };

/** Everything a decision depends on; the same inputs always give the same instruction. */
export interface DecideContext {
  program: Program;
  state: Readonly<RunState>;
  evaluator: Evaluator;
  catalog: ActionCatalog;
  now: number;
  progress: DecideProgress;
}

/** A step's `with:` as JSON for its action (an absent `with:` is an empty map). */
export function evalArgs(evaluator: Evaluator, w: MapValue | undefined, scope: EvalScope) {
  if (!w) return { ok: true as const, value: {} as JsonValue };
  return evaluator.value(w, scope);
}
