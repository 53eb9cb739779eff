// The shapes the closure compiler and its helpers share: a compiled node, its evaluation state, the generator.
import type { Checked } from "../check/checker.js";
import type { TypeEnv } from "../check/type-env.js";
import type { Bindings, CelResult, CelValue } from "../contract/cel-values.js";
import type { Expr } from "../parser/expr/ast.js";

/** The state one evaluation threads through the closures. */
export interface Ctx {
  vars: Bindings;
  /** Comprehension variables, by slot. */
  slots: CelValue[];
  /** Steps left before the cost limit stops the evaluation. */
  budget: number;
}

/** A compiled node. */
export type Node = (c: Ctx) => CelResult;

/** What the code generator shares with its helpers. */
export interface Gen {
  compile(e: Expr, scope: ReadonlyMap<string, number>): Node;
  checked: Checked | undefined;
  env: TypeEnv;
  newSlot(): number;
}
