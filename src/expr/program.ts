// A compiled expression: closures built once, evaluated many times; evaluation errors come back as values.
import type { CelType } from "../contract/cel-types.js";
import { type Bindings, CelError, type CelResult } from "../contract/cel-values.js";
import type { Ctx, Node } from "./closure-types.js";

/** Default cost limit: comprehension steps one evaluation may take. */
export const DEFAULT_COST_LIMIT = 1_000_000;

export interface EvaluateOptions {
  /** Comprehension steps allowed before evaluation stops with an error. */
  costLimit?: number;
}

/** A checked, compiled expression. */
export class Program {
  constructor(
    private readonly root: Node,
    private readonly slotCount: number,
    /** The static type the checker inferred. */
    readonly type: CelType,
    /** True when the result may carry a secret (the expression reads a secret param or env var). */
    readonly secret: boolean,
  ) {}

  /** Evaluate with the given variables; returns a value or a CelError, never throws. */
  evaluate(bindings: Bindings, options?: EvaluateOptions): CelResult {
    const ctx: Ctx = {
      vars: bindings,
      slots: this.slotCount > 0 ? new Array(this.slotCount) : [],
      budget: options?.costLimit ?? DEFAULT_COST_LIMIT,
    };
    try {
      return this.root(ctx);
    } catch (err) {
      const why =
        err instanceof RangeError && /call stack/i.test(err.message)
          ? "the expression is too deeply nested to evaluate"
          : err instanceof Error
            ? err.message
            : String(err);
      return new CelError(`evaluation failed: ${why}; check that bindings match their declared types`);
    }
  }
}
