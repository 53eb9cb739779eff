// The shape of a built-in implementation: arguments already matched to the overload's parameter types.
import type { CelResult, CelValue } from "../../contract/cel-values.js";

/** An overload's implementation, keyed by overload id in the stdlib table. */
// biome-ignore lint/suspicious/noExplicitAny: implementations narrow their own arguments; the dispatcher guarantees the types.
export type Impl = (...args: any[]) => CelResult;

/** A table of implementations by overload id. */
export type ImplTable = Record<string, Impl>;

/** Re-exported for the implementation files. */
export type { CelResult, CelValue };
