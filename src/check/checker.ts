// The type checker: walks the expression AST once, records a type per node and the candidate overloads per call.
// One Checker object per check holds the state (no closures or per-node allocations on the success path);
// messages and "did you mean" lists are built only when a problem is found.

import { type CelType, T } from "../contract/cel-types.js";
import { CelUint } from "../contract/cel-values.js";
import type { CallExpr, ComprehensionExpr, Expr, SelectExpr } from "../parser/expr/ast.js";
import { type ResolvedOverload, resolveCall } from "./check-calls.js";
import { msg } from "./messages.js";
import { functionNames, isBuiltinFunction } from "./overloads.js";
import type { TypeEnv } from "./type-env.js";
import { compatible, isDynLike, join, PRIMITIVE_TYPES } from "./type-utils.js";

/** A problem found by the checker, at offsets of the expression text. */
export interface CheckProblem {
  code: string;
  message: string;
  start: number;
  end: number;
}

/** What the checker learned, keyed by node id; the evaluator compiles from it. */
export interface Checked {
  type: CelType;
  /** The type of each node, indexed by node id. */
  types: CelType[];
  /** The candidate overloads of each call node, indexed by node id. */
  calls: (ResolvedOverload[] | undefined)[];
  /** The declared variable an ident/select node names, indexed by node id (`a.b.c` may be one dotted name). */
  names: (string | undefined)[];
  /** Call nodes written `ns.fn(x)` that call the global function `ns.fn`. */
  namespaced: ReadonlySet<number>;
  /** Argument nodes to convert semver → string (a semver used where a string is expected). */
  coerce: ReadonlySet<number>;
  problems: CheckProblem[];
  /** True when the expression reads a secret variable. */
  readsSecret: boolean;
}

const TYPE_IDENTS: Record<string, CelType> = {
  ...PRIMITIVE_TYPES,
  list: T.list(T.dyn),
  map: T.map(T.dyn, T.dyn),
};

type Scope = ReadonlyMap<string, CelType>;

/** The dotted name an ident/select chain spells (`a.b.c`), or undefined for anything else. */
export function qualifiedName(e: Expr): string | undefined {
  if (e.kind === "ident") return e.name;
  if (e.kind === "select") {
    const base = qualifiedName(e.operand);
    return base === undefined ? undefined : `${base}.${e.field}`;
  }
  return undefined;
}

function rootIdent(e: Expr): string | undefined {
  while (e.kind === "select") e = e.operand;
  return e.kind === "ident" ? e.name : undefined;
}

function rootAbsolute(e: Expr): boolean {
  while (e.kind === "select") e = e.operand;
  return e.kind === "ident" && e.absolute;
}

const dotted = new WeakMap<object, boolean>();

/** Whether any variable name of the environment is dotted (`a.b`), remembered per variables record. */
function hasDottedName(variables: TypeEnv["variables"]): boolean {
  let d = dotted.get(variables);
  if (d === undefined) {
    d = Object.keys(variables).some((k) => k.includes("."));
    dotted.set(variables, d);
  }
  return d;
}

/** Shared by every result that records none (never written: the checker swaps in its own set first). */
const NONE: ReadonlySet<number> = new Set();
const NO_SCOPE: Scope = new Map();
const SIDES_AND = "each side of '&&'";
const SIDES_OR = "each side of '||'";
const MAP_KEY_KINDS = new Set(["int", "uint", "bool", "string"]);

/** Interned list types, so a literal's type is the same object each time (call resolutions cache by identity). */
const listTypes = new WeakMap<CelType, CelType>();
function listOf(elem: CelType): CelType {
  let t = listTypes.get(elem);
  if (!t) {
    t = T.list(elem);
    listTypes.set(elem, t);
  }
  return t;
}

class Checker {
  readonly out: Checked;
  /**
   * Nodes whose value is only read through a field select: `params` in `params.release` is not the
   * secret `params.databaseUrl`; the select decides. A node read whole (`string(params)`) may carry one.
   * Kept only when the environment has secrets.
   */
  private readonly selected: Set<number> | undefined;
  private readonly dottedNames: boolean;
  private readonly vars: TypeEnv["variables"];

  /** `size`: how many node ids to expect (the root's id + 1: ids are given as nodes complete). */
  constructor(
    private readonly env: TypeEnv,
    size: number,
  ) {
    // Sized once, not grown node by node; an AST whose root is not the last id still works (the arrays grow).
    this.out = {
      type: T.dyn,
      types: new Array(size),
      calls: new Array(size),
      names: new Array(size),
      namespaced: NONE,
      coerce: NONE,
      problems: [],
      readsSecret: false,
    };
    this.selected = env.secrets ? new Set() : undefined;
    this.dottedNames = hasDottedName(env.variables);
    this.vars = env.variables;
  }

  problem(code: string, message: string, start: number, end: number): CelType {
    this.out.problems.push({ code, message, start, end });
    return T.error;
  }

  addNamespaced(id: number): void {
    if (this.out.namespaced === NONE) this.out.namespaced = new Set();
    (this.out.namespaced as Set<number>).add(id);
  }
  addCoerce(id: number): void {
    if (this.out.coerce === NONE) this.out.coerce = new Set();
    (this.out.coerce as Set<number>).add(id);
  }

  candidatesFor(name: string): string[] {
    const c = this.env.container;
    if (name.startsWith(".")) return [name.slice(1)];
    if (!c) return [name];
    const parts = c.split(".");
    const out: string[] = [];
    for (let i = parts.length; i > 0; i--) out.push(`${parts.slice(0, i).join(".")}.${name}`);
    out.push(name);
    return out;
  }
  lookupVar(name: string): string | undefined {
    if (!this.env.container && name.charCodeAt(0) !== 46) return name in this.vars ? name : undefined;
    return this.candidatesFor(name).find((n) => n in this.vars);
  }

  markSecret(name: string, node?: Expr): void {
    const secrets = this.env.secrets;
    if (!secrets) return;
    const whole = node === undefined || !this.selected?.has(node.id);
    for (const s of secrets)
      if (s === name || name.startsWith(`${s}.`) || (whole && s.startsWith(`${name}.`)))
        this.out.readsSecret = true;
  }

  /** Try `a.b.c` as one declared variable, longest prefix first. */
  resolveQualified(e: Expr, scope: Scope): CelType | undefined {
    // Every name tried holds a dot, so an environment without dotted variables can match none of them.
    if (!this.dottedNames) return undefined;
    const root = rootIdent(e);
    if (root === undefined || scope.has(root)) return undefined;
    const chain: Expr[] = [];
    for (let n: Expr = e; n.kind === "select"; n = n.operand) chain.unshift(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i] as SelectExpr;
      const name = qualifiedName(node) as string;
      const found = this.lookupVar((rootAbsolute(e) ? "." : "") + name);
      if (found) {
        this.out.names[node.id] = found;
        this.markSecret(found);
        let t = this.vars[found] as CelType;
        this.out.types[node.id] = t;
        for (let j = i + 1; j < chain.length; j++) t = this.selectType(chain[j] as SelectExpr, t);
        return t;
      }
    }
    return undefined;
  }

  selectType(e: SelectExpr, t: CelType): CelType {
    const s = this.fieldType(e, t);
    this.out.types[e.id] = s;
    return s;
  }

  fieldType(e: SelectExpr, t: CelType): CelType {
    if (isDynLike(t)) return T.dyn;
    if (t.kind === "object") {
      const f = t.fields[e.field];
      if (f) {
        if (this.env.secrets) {
          const q = qualifiedName(e);
          if (q) this.markSecret(q, e);
        }
        return f;
      }
      return this.problem(
        "unknown-field",
        msg.unknownField(e.field, describe(e.operand, t), Object.keys(t.fields)),
        e.fieldStart,
        e.end,
      );
    }
    if (t.kind === "map") {
      if (!compatible(t.key, T.string))
        return this.problem("type-mismatch", msg.notSelectable(t, e.field), e.fieldStart, e.end);
      return t.value;
    }
    return this.problem("type-mismatch", msg.notSelectable(t, e.field), e.fieldStart, e.end);
  }

  visit(e: Expr, scope: Scope): CelType {
    const t = this.visitInner(e, scope);
    this.out.types[e.id] = t;
    return t;
  }

  expectBool(e: Expr, scope: Scope, what: string): void {
    const t = this.visit(e, scope);
    if (!compatible(t, T.bool)) this.problem("type-mismatch", msg.notBool(what, t), e.start, e.end);
  }

  visitInner(e: Expr, scope: Scope): CelType {
    switch (e.kind) {
      case "literal":
        return literalType(e.value);
      case "ident": {
        const local = e.absolute ? undefined : scope.get(e.name);
        if (local) return local;
        const found = this.lookupVar(e.absolute ? `.${e.name}` : e.name);
        if (found) {
          this.out.names[e.id] = found;
          this.markSecret(found, e);
          return this.vars[found] as CelType;
        }
        const tt = TYPE_IDENTS[e.name];
        if (tt) return T.type(tt);
        const known = [
          ...new Set([...Object.keys(this.vars).map((k) => k.split(".")[0] as string), ...scope.keys()]),
        ];
        return this.problem("unknown-identifier", msg.unknownIdentifier(e.name, known), e.start, e.end);
      }
      case "select": {
        const q = this.resolveQualified(e, scope);
        if (q) return q;
        this.selected?.add(e.operand.id);
        return this.fieldType(e, this.visit(e.operand, scope));
      }
      case "has": {
        const sel: SelectExpr = {
          kind: "select",
          operand: e.operand,
          field: e.field,
          fieldStart: e.fieldStart,
          id: -1,
          start: e.start,
          end: e.fieldStart + e.field.length,
        };
        this.fieldType(sel, this.visit(e.operand, scope));
        return T.bool;
      }
      case "index":
        return this.index(e.operand, e.index, e.start, e.end, scope);
      case "list": {
        const elems = e.elems;
        if (elems.length === 0) return listOf(T.dyn);
        const types: CelType[] = new Array(elems.length);
        for (let i = 0; i < elems.length; i++) types[i] = this.visit(elems[i] as Expr, scope);
        return listOf(join(types));
      }
      case "map": {
        const keys = e.entries.map((x) => {
          const k = this.visit(x.key, scope);
          if (!isDynLike(k) && !MAP_KEY_KINDS.has(k.kind))
            this.problem("type-mismatch", msg.badMapKey(k), x.key.start, x.key.end);
          return k;
        });
        return T.map(join(keys), join(e.entries.map((x) => this.visit(x.value, scope))));
      }
      case "and":
        this.expectBool(e.left, scope, SIDES_AND);
        this.expectBool(e.right, scope, SIDES_AND);
        return T.bool;
      case "or":
        this.expectBool(e.left, scope, SIDES_OR);
        this.expectBool(e.right, scope, SIDES_OR);
        return T.bool;
      case "cond": {
        this.expectBool(e.test, scope, "the condition of '? :'");
        const a = this.visit(e.then, scope);
        const b = this.visit(e.otherwise, scope);
        if (!compatible(a, b) && a.kind !== "null_type" && b.kind !== "null_type")
          return this.problem("type-mismatch", msg.branches(a, b), e.start, e.end);
        return isDynLike(a) ? b : a.kind === "null_type" ? b : a;
      }
      case "comprehension":
        return this.comprehension(e, scope);
      case "call":
        return this.call(e, scope);
    }
  }

  index(operand: Expr, index: Expr, start: number, end: number, scope: Scope): CelType {
    const t = this.visit(operand, scope);
    const i = this.visit(index, scope);
    if (isDynLike(t)) return T.dyn;
    if (t.kind === "list") {
      if (!isDynLike(i) && i.kind !== "int" && i.kind !== "uint")
        return this.problem("type-mismatch", msg.badIndex(t, i), index.start, index.end);
      return t.elem;
    }
    if (t.kind === "map") {
      if (!compatible(i, t.key))
        return this.problem("type-mismatch", msg.badIndex(t, i), index.start, index.end);
      return t.value;
    }
    if (t.kind === "object")
      return index.kind === "literal" && typeof index.value === "string"
        ? (t.fields[index.value] ?? T.dyn)
        : T.dyn;
    return this.problem("type-mismatch", msg.badIndex(t, i), start, end);
  }

  comprehension(e: ComprehensionExpr, scope: Scope): CelType {
    const r = this.visit(e.range, scope);
    let v1: CelType = T.dyn;
    let v2: CelType | undefined;
    if (r.kind === "list") {
      if (e.iterVar2) {
        v1 = T.int;
        v2 = r.elem;
      } else v1 = r.elem;
    } else if (r.kind === "map") {
      v1 = r.key;
      v2 = r.value;
    } else if (r.kind === "object") {
      v1 = T.string;
      v2 = T.dyn;
    } else if (!isDynLike(r))
      this.problem("type-mismatch", msg.notIterable(e.macro, r), e.range.start, e.range.end);
    const inner = new Map(scope);
    inner.set(e.iterVar, v1);
    if (e.iterVar2) inner.set(e.iterVar2, v2 ?? T.dyn);
    if (e.filter) this.expectBool(e.filter, inner, `the filter of ${e.macro}()`);
    if (e.macro === "map") return listOf(this.visit(e.body, inner));
    this.expectBool(e.body, inner, PREDICATE[e.macro]);
    return e.macro === "filter" ? listOf(v1) : T.bool;
  }

  call(e: CallExpr, scope: Scope): CelType {
    let fn = e.fn;
    const target = e.target;
    let receiver = false;
    if (target) {
      // `ns.fn(x)`: a namespaced global function, when `ns` names no variable.
      const root = rootIdent(target);
      const q =
        root !== undefined && !scope.has(root) && !this.lookupVar(root) ? qualifiedName(target) : undefined;
      if (q !== undefined && this.isFunction(`${q}.${fn}`)) {
        fn = `${q}.${fn}`;
        this.addNamespaced(e.id);
      } else receiver = true;
    } else if (fn.charCodeAt(0) === 46) fn = fn.slice(1);
    // The arguments are the receiver (when there is one) and then the written arguments; no array joins them.
    const written = e.args;
    const first = receiver ? 1 : 0;
    const argTypes: CelType[] = new Array(written.length + first);
    if (receiver) argTypes[0] = this.visit(target as Expr, scope);
    for (let i = 0; i < written.length; i++) argTypes[i + first] = this.visit(written[i] as Expr, scope);
    if (fn === "_==_" || fn === "_!=_")
      return this.equality(e, callArg(e, receiver, 0), callArg(e, receiver, 1), argTypes);
    const res = resolveCall(fn, receiver, argTypes, this.env);
    if (res.kind === "ok") {
      this.out.calls[e.id] = res.candidates;
      for (const i of res.coerce) this.addCoerce(callArg(e, receiver, i).id);
      return res.result;
    }
    const at: [number, number] = [e.fnStart, e.end];
    if (res.kind === "unknown")
      return this.problem("unknown-identifier", msg.unknownFunction(fn, this.allFunctions()), ...at);
    if (res.kind === "arity")
      return this.problem("wrong-argument-count", msg.wrongArgCount(fn, e.args.length, res.counts), ...at);
    if (argTypes.some((t) => t.kind === "error")) return T.error;
    return this.problem("no-matching-overload", msg.noOverload(fn, argTypes, res.signatures), ...at);
  }

  equality(e: CallExpr, left: Expr, right: Expr, types: CelType[]): CelType {
    const x = types[0] as CelType;
    const y = types[1] as CelType;
    if (x.kind === "semver" && y.kind === "string") this.addCoerce(left.id);
    else if (y.kind === "semver" && x.kind === "string") this.addCoerce(right.id);
    else if (!compatible(x, y) && x.kind !== "null_type" && y.kind !== "null_type") {
      return this.problem("type-mismatch", msg.compare(e.fn === "_==_" ? "==" : "!=", x, y), e.start, e.end);
    }
    return T.bool;
  }

  isFunction(name: string): boolean {
    return isBuiltinFunction(name) || !!this.env.functions?.some((f) => f.name === name);
  }
  allFunctions(): string[] {
    return [...functionNames(), ...(this.env.functions ?? []).map((f) => f.name)];
  }
}

/** The i-th argument of a call: the receiver first when it has one. */
function callArg(e: CallExpr, receiver: boolean, i: number): Expr {
  return (receiver ? (i === 0 ? e.target : e.args[i - 1]) : e.args[i]) as Expr;
}

const PREDICATE: Record<ComprehensionExpr["macro"], string> = {
  all: "the predicate of all()",
  exists: "the predicate of exists()",
  exists_one: "the predicate of exists_one()",
  map: "the predicate of map()",
  filter: "the predicate of filter()",
};

/** Type-check an expression against an environment. */
export function check(ast: Expr, env: TypeEnv): Checked {
  const c = new Checker(env, ast.id + 1);
  c.out.type = c.visit(ast, NO_SCOPE);
  return c.out;
}

function literalType(v: unknown): CelType {
  switch (typeof v) {
    case "bigint":
      return T.int;
    case "number":
      return T.double;
    case "string":
      return T.string;
    case "boolean":
      return T.bool;
  }
  if (v === null) return T.null;
  if (v instanceof CelUint) return T.uint;
  return T.bytes;
}

function describe(e: Expr, t: CelType): string {
  const q = qualifiedName(e);
  const name = t.kind === "object" ? t.name : "object";
  if (!q) return name;
  return name === q || name === "object" ? q : `${q} (${name})`;
}
