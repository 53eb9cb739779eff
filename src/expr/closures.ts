// Compiles a checked AST into nested closures once; evaluation then never looks at the AST.

import { declaredOverloads, type ResolvedOverload } from "../check/check-calls.js";
import type { Checked } from "../check/checker.js";
import type { TypeEnv } from "../check/type-env.js";
import { isDynLike, type SigType } from "../check/type-utils.js";
import { CelError, type CelResult, CelSemver, type CelValue, errors } from "../contract/cel-values.js";
import type { CallExpr, ComprehensionExpr, Expr } from "../parser/expr/ast.js";
import type { Gen, Node } from "./closure-types.js";
import { compileCollections } from "./closures-collections.js";
import { compileNames } from "./closures-names.js";
import { dispatcher, implOf } from "./dispatch.js";
import { celEquals } from "./equality.js";

const isErr = (v: CelResult): v is CelError => v instanceof CelError;

/** Compile an AST; `checked` is absent when the expression was not type-checked (then every call dispatches). */
export function generate(
  ast: Expr,
  checked: Checked | undefined,
  env: TypeEnv,
): { root: Node; slots: number } {
  const gen = new Generator(checked, env);
  const root = gen.compile(ast, NO_SLOTS);
  return { root, slots: gen.slots };
}

/** The scope outside every comprehension (never written: a comprehension copies the scope it extends). */
const NO_SLOTS: ReadonlyMap<string, number> = new Map();

/** One compilation's state: one object, no closures of its own. */
class Generator implements Gen {
  slots = 0;
  constructor(
    readonly checked: Checked | undefined,
    readonly env: TypeEnv,
  ) {}
  newSlot(): number {
    return this.slots++;
  }
  compile(e: Expr, scope: ReadonlyMap<string, number>): Node {
    const n = compileNode(this, e, scope);
    const checked = this.checked;
    return checked && checked.coerce.size > 0 && checked.coerce.has(e.id) ? coerceToString(n) : n;
  }
}

function coerceToString(n: Node): Node {
  return (c) => {
    const v = n(c);
    return v instanceof CelSemver ? v.toString() : v;
  };
}

function compileNode(g: Gen, e: Expr, scope: ReadonlyMap<string, number>): Node {
  switch (e.kind) {
    case "literal": {
      const v = e.value;
      return () => v;
    }
    case "ident":
    case "select":
    case "has":
    case "index":
      return compileNames(g, e, scope);
    case "list":
    case "map":
    case "comprehension":
      return compileCollections(g, e as (Expr & { kind: "list" | "map" }) | ComprehensionExpr, scope);
    case "and":
    case "or":
      return logic(e.kind, g.compile(e.left, scope), g.compile(e.right, scope));
    case "cond": {
      const t = g.compile(e.test, scope);
      const a = g.compile(e.then, scope);
      const b = g.compile(e.otherwise, scope);
      return (c) => {
        const v = t(c);
        if (v === true) return a(c);
        if (v === false) return b(c);
        return isErr(v) ? v : errors.noOverload("_?_:_", v);
      };
    }
    case "call":
      return call(g, e, scope);
  }
}

/** `&&` and `||`, commutative over errors: `error && false` is false, `error || true` is true. */
function logic(kind: "and" | "or", l: Node, r: Node): Node {
  const absorbing = kind === "or";
  const op = kind === "and" ? "_&&_" : "_||_";
  return (c) => {
    const x = l(c);
    if (x === absorbing) return absorbing;
    const y = r(c);
    if (y === absorbing) return absorbing;
    if (x === !absorbing && y === !absorbing) return !absorbing;
    if (isErr(x)) return x;
    if (typeof x !== "boolean") return errors.noOverload(op, x, y as CelValue);
    if (isErr(y)) return y;
    return errors.noOverload(op, x, y);
  };
}

function call(g: Gen, e: CallExpr, scope: ReadonlyMap<string, number>): Node {
  const checked = g.checked;
  const namespaced = checked
    ? checked.namespaced.size > 0 && checked.namespaced.has(e.id)
    : isNamespacedCall(g, e, scope);
  let fn = e.fn.charCodeAt(0) === 46 ? e.fn.slice(1) : e.fn;
  if (e.target && namespaced) fn = `${qualified(e.target)}.${fn}`;
  // The arguments are the receiver (when there is one) and then the written arguments; no array joins them.
  const receiver = !!e.target && !namespaced;
  const count = e.args.length + (receiver ? 1 : 0);
  // A literal second argument (`x > 0`, `s.startsWith("4.")`) is read as a value, not through a closure of its own.
  const lit = count === 2 ? literalOf(g, callArg(e, receiver, 1)) : NOT_LITERAL;
  const args: Node[] = new Array(count);
  for (let i = 0; i < count; i++)
    if (i !== 1 || lit === NOT_LITERAL) args[i] = g.compile(callArg(e, receiver, i), scope);
  if (fn === "_==_" || fn === "_!=_") {
    if (lit !== NOT_LITERAL) return equalityTo(fn === "_!=_", args[0] as Node, lit);
    return equality(fn === "_!=_", args[0] as Node, args[1] as Node);
  }
  let candidates: ResolvedOverload[] | undefined = checked?.calls[e.id];
  if (!candidates) {
    const all = declaredOverloads(fn, g.env).filter((o) => o.params.length === args.length);
    const styled = all.filter((o) => o.receiver === receiver);
    candidates = styled.length > 0 ? styled : all;
  }
  if (candidates.length === 0) {
    const err = new CelError(`no function '${fn}' with ${count} argument(s)`);
    return () => err;
  }
  const only = candidates.length === 1 ? candidates[0] : undefined;
  let exact = only !== undefined && checked !== undefined;
  for (let i = 0; exact && i < count; i++)
    exact = staticallyFits(
      checked as Checked,
      callArg(e, receiver, i),
      (only as ResolvedOverload).params[i] as SigType,
    );
  const invoke = exact ? implOf(only as ResolvedOverload) : undefined;
  if (invoke === undefined) return dispatched(args, dispatcher(fn, candidates), lit);
  if (args.length === 1) {
    const a = args[0] as Node;
    return (c) => {
      const x = a(c);
      return isErr(x) ? x : invoke(x);
    };
  }
  if (args.length === 2) {
    const a = args[0] as Node;
    if (lit !== NOT_LITERAL) {
      return (c) => {
        const x = a(c);
        return isErr(x) ? x : invoke(x, lit);
      };
    }
    const b = args[1] as Node;
    return (c) => {
      const x = a(c);
      if (isErr(x)) return x;
      const y = b(c);
      return isErr(y) ? y : invoke(x, y);
    };
  }
  return dispatched(args, (xs) => invoke(...xs), NOT_LITERAL);
}

/** Marks an argument that is not a literal read as a value. */
const NOT_LITERAL: unique symbol = Symbol("not a literal");

/** The value of a literal argument (one no conversion applies to), or NOT_LITERAL. */
function literalOf(g: Gen, a: Expr): CelValue | typeof NOT_LITERAL {
  if (a.kind !== "literal") return NOT_LITERAL;
  const coerce = g.checked?.coerce;
  return coerce && coerce.size > 0 && coerce.has(a.id) ? NOT_LITERAL : (a.value as CelValue);
}

/** The i-th argument of a call: the receiver first when it has one. */
function callArg(e: CallExpr, receiver: boolean, i: number): Expr {
  return (receiver ? (i === 0 ? e.target : e.args[i - 1]) : e.args[i]) as Expr;
}

/**
 * A call whose overload is chosen (or whose arguments are spread) at run time; `lit` is the second of two
 * arguments when it is a literal (then `args[1]` is not compiled).
 */
function dispatched(
  args: Node[],
  run: (xs: CelValue[]) => CelResult,
  lit: CelValue | typeof NOT_LITERAL,
): Node {
  if (args.length === 1) {
    const a = args[0] as Node;
    return (c) => {
      const x = a(c);
      return isErr(x) ? x : run([x]);
    };
  }
  if (args.length === 2) {
    const a = args[0] as Node;
    if (lit !== NOT_LITERAL) {
      return (c) => {
        const x = a(c);
        return isErr(x) ? x : run([x, lit]);
      };
    }
    const b = args[1] as Node;
    return (c) => {
      const x = a(c);
      if (isErr(x)) return x;
      const y = b(c);
      return isErr(y) ? y : run([x, y]);
    };
  }
  return (c) => {
    const xs: CelValue[] = [];
    for (const a of args) {
      const x = a(c);
      if (isErr(x)) return x;
      xs.push(x);
    }
    return run(xs);
  };
}

/** True when the checker proved the argument has exactly the parameter's kind (no run-time test needed). */
function staticallyFits(checked: Checked, arg: Expr, param: SigType): boolean {
  const t = checked.types[arg.id];
  if (!t || isDynLike(t) || (checked.coerce.size > 0 && checked.coerce.has(arg.id)))
    return param.kind === "param" || param.kind === "dyn";
  if (param.kind === "param" || param.kind === "dyn") return true;
  if (param.kind === "map") return t.kind === "map" || t.kind === "object";
  return t.kind === param.kind;
}

/** `x == v` and `x != v` with a literal `v`. */
function equalityTo(negate: boolean, a: Node, v: CelValue): Node {
  return (c) => {
    const x = a(c);
    return isErr(x) ? x : celEquals(x, v) !== negate;
  };
}

function equality(negate: boolean, a: Node, b: Node): Node {
  return (c) => {
    const x = a(c);
    if (isErr(x)) return x;
    const y = b(c);
    if (isErr(y)) return y;
    return celEquals(x, y) !== negate;
  };
}

function qualified(e: Expr): string {
  return e.kind === "ident" ? e.name : e.kind === "select" ? `${qualified(e.operand)}.${e.field}` : "";
}

/** Without a checker: `strings.quote(x)` calls the global `strings.quote` when that function exists. */
function isNamespacedCall(g: Gen, e: CallExpr, scope: ReadonlyMap<string, number>): boolean {
  if (!e.target) return false;
  let root: Expr = e.target;
  while (root.kind === "select") root = root.operand;
  if (root.kind !== "ident" || scope.has(root.name)) return false;
  const q = qualified(e.target);
  return q !== "" && declaredOverloads(`${q}.${e.fn}`, g.env).length > 0;
}
