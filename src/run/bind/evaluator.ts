// The interpreter's window onto the expression language: pure evaluation over the state a run reached.
import type { JsonValue } from "../../contract/json.js";
import type { ExprText, SourceText, StringValue, ValueNode } from "../../parser/ast.js";
import type { RunState } from "../model/state.js";

/** What an expression may see besides params: the run's state and, in `expect`/`until`, `output`. */
export interface EvalScope {
  state: RunState;
  /** The output of the attempt being judged (journal JSON), with the action whose type it has. */
  output?: { value: JsonValue; action: string };
}

/** A value or the reason there is none (an evaluation error is a value of the run, never a crash). */
export type Evaluated<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Pure evaluation, injected into the interpreter so the run loop stays deterministic and testable.
 * Implementations register every secret-derived result with the run's redactor (taint).
 */
export interface Evaluator {
  /** A condition (`when`, guard, `that`, `until`): must be a bool. */
  condition(expr: ExprText, scope: EvalScope): Evaluated<boolean>;
  /** A value from the document (`with:` and its templates) as JSON for an action. */
  value(node: ValueNode, scope: EvalScope): Evaluated<JsonValue>;
  /** A message template (assertion messages); falls back to its source text when it cannot evaluate. */
  message(template: StringValue, scope: EvalScope): string;
  /**
   * A duration field given as a whole `${{ }}` template, in milliseconds: the value must be a duration or
   * a string that parses as one (`90s`, `1m30s`), and not negative.
   */
  duration(template: SourceText, scope: EvalScope): Evaluated<number>;
}
