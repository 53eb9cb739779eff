// The names an expression may use: typed variables, extra functions, and an optional container namespace.

import type { CelType } from "../contract/cel-types.js";
import type { CelResult, CelValue } from "../contract/cel-values.js";

/** An extra function overload, declared with its implementation so checking and evaluation agree. */
export interface FunctionOverload {
  id: string;
  /** Called as `x.name(...)`; the receiver is the first parameter. */
  receiver?: boolean;
  params: readonly CelType[];
  result: CelType;
  impl: (...args: CelValue[]) => CelResult;
}

/** A function the environment adds to the standard library. */
export interface FunctionDecl {
  name: string;
  overloads: readonly FunctionOverload[];
}

/** Everything the checker knows about the names in scope. */
export interface TypeEnv {
  /** Variables by (possibly dotted) name: `params`, `steps`, `output`, or `a.b.c`. */
  variables: Readonly<Record<string, CelType>>;
  functions?: readonly FunctionDecl[];
  /** A namespace tried first when resolving names (`com.example` makes `y` find `com.example.y`). */
  container?: string;
  /** Dotted paths whose values are secret (`params.databaseUrl`): expressions reading them are marked secret. */
  secrets?: ReadonlySet<string>;
}

/** A TypeEnv from a plain record of variable types. */
export function typeEnv(variables: Record<string, CelType>, more: Omit<TypeEnv, "variables"> = {}): TypeEnv {
  return { variables, ...more };
}
