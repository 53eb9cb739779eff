// The type checker: walks the expression AST once, records a type per node and the candidate overloads per call.

import { CelUint } from "../expr/values.js";
import type { CallExpr, ComprehensionExpr, Expr, SelectExpr } from "../parser/expr/ast.js";
import { type ResolvedOverload, resolveCall } from "./check-calls.js";
import { msg } from "./messages.js";
import { functionNames, isBuiltinFunction } from "./overloads.js";
import type { TypeEnv } from "./type-env.js";
import { compatible, isDynLike, join, PRIMITIVE_TYPES } from "./type-utils.js";
import { type CelType, T } from "./types.js";

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
  types: Map<number, CelType>;
  calls: Map<number, ResolvedOverload[]>;
  /** Ident/select nodes that name a declared variable (`a.b.c` may be one dotted name). */
  names: Map<number, string>;
  /** Call nodes written `ns.fn(x)` that call the global function `ns.fn`. */
  namespaced: Set<number>;
  /** Argument nodes to convert semver → string (a semver used where a string is expected). */
  coerce: Set<number>;
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

/** Type-check an expression against an environment. */
export function check(ast: Expr, env: TypeEnv): Checked {
  const out: Checked = {
    type: T.dyn,
    types: new Map(),
    calls: new Map(),
    names: new Map(),
    namespaced: new Set(),
    coerce: new Set(),
    problems: [],
    readsSecret: false,
  };
  const problem = (code: string, message: string, start: number, end: number) => {
    out.problems.push({ code, message, start, end });
    return T.error;
  };
  const candidatesFor = (name: string): string[] => {
    const c = env.container;
    if (name.startsWith(".")) return [name.slice(1)];
    if (!c) return [name];
    const parts = c.split(".");
    const out: string[] = [];
    for (let i = parts.length; i > 0; i--) out.push(`${parts.slice(0, i).join(".")}.${name}`);
    out.push(name);
    return out;
  };
  const lookupVar = (name: string): string | undefined => {
    if (!env.container && !name.startsWith(".")) return name in env.variables ? name : undefined;
    return candidatesFor(name).find((n) => n in env.variables);
  };
  // Nodes whose value is only read through a field select: `params` in `params.release` is not the
  // secret `params.databaseUrl`; the select decides. A node read whole (`string(params)`) may carry one.
  const selected = new Set<number>();
  const markSecret = (name: string, node?: Expr) => {
    if (!env.secrets) return;
    const whole = node === undefined || !selected.has(node.id);
    for (const s of env.secrets)
      if (s === name || name.startsWith(`${s}.`) || (whole && s.startsWith(`${name}.`)))
        out.readsSecret = true;
  };

  /** Try `a.b.c` as one declared variable, longest prefix first. */
  const resolveQualified = (e: Expr, scope: Scope): CelType | undefined => {
    // Every name tried holds a dot, so an environment without dotted variables can match none of them.
    if (!hasDottedName(env.variables)) return undefined;
    const root = rootIdent(e);
    if (root === undefined || scope.has(root)) return undefined;
    const chain: Expr[] = [];
    for (let n: Expr = e; n.kind === "select"; n = n.operand) chain.unshift(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i] as SelectExpr;
      const name = qualifiedName(node) as string;
      const found = lookupVar((rootAbsolute(e) ? "." : "") + name);
      if (found) {
        out.names.set(node.id, found);
        markSecret(found);
        let t = env.variables[found] as CelType;
        out.types.set(node.id, t);
        for (let j = i + 1; j < chain.length; j++) t = selectType(chain[j] as SelectExpr, t);
        return t;
      }
    }
    return undefined;
  };
  const rootAbsolute = (e: Expr): boolean => {
    while (e.kind === "select") e = e.operand;
    return e.kind === "ident" && e.absolute;
  };

  const selectType = (e: SelectExpr, t: CelType): CelType => {
    const s = fieldType(e, t);
    out.types.set(e.id, s);
    return s;
  };
  const fieldType = (e: SelectExpr, t: CelType): CelType => {
    if (isDynLike(t)) return T.dyn;
    if (t.kind === "object") {
      const f = t.fields[e.field];
      if (f) {
        const q = qualifiedName(e);
        if (q) markSecret(q, e);
        return f;
      }
      return problem(
        "unknown-field",
        msg.unknownField(e.field, describe(e.operand, t), Object.keys(t.fields)),
        e.fieldStart,
        e.end,
      );
    }
    if (t.kind === "map") {
      if (!compatible(t.key, T.string))
        return problem("type-mismatch", msg.notSelectable(t, e.field), e.fieldStart, e.end);
      return t.value;
    }
    return problem("type-mismatch", msg.notSelectable(t, e.field), e.fieldStart, e.end);
  };

  const visit = (e: Expr, scope: Scope): CelType => {
    const t = visitInner(e, scope);
    out.types.set(e.id, t);
    return t;
  };

  const expectBool = (e: Expr, scope: Scope, what: string): void => {
    const t = visit(e, scope);
    if (!compatible(t, T.bool)) problem("type-mismatch", msg.notBool(what, t), e.start, e.end);
  };

  const visitInner = (e: Expr, scope: Scope): CelType => {
    switch (e.kind) {
      case "literal":
        return literalType(e.value);
      case "ident": {
        const local = e.absolute ? undefined : scope.get(e.name);
        if (local) return local;
        const found = lookupVar(e.absolute ? `.${e.name}` : e.name);
        if (found) {
          out.names.set(e.id, found);
          markSecret(found, e);
          return env.variables[found] as CelType;
        }
        const tt = TYPE_IDENTS[e.name];
        if (tt) return T.type(tt);
        const known = [
          ...new Set([...Object.keys(env.variables).map((k) => k.split(".")[0] as string), ...scope.keys()]),
        ];
        return problem("unknown-identifier", msg.unknownIdentifier(e.name, known), e.start, e.end);
      }
      case "select": {
        const q = resolveQualified(e, scope);
        if (q) return q;
        selected.add(e.operand.id);
        return fieldType(e, visit(e.operand, scope));
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
        fieldType(sel, visit(e.operand, scope));
        return T.bool;
      }
      case "index": {
        const t = visit(e.operand, scope);
        const i = visit(e.index, scope);
        if (isDynLike(t)) return T.dyn;
        if (t.kind === "list") {
          if (!isDynLike(i) && i.kind !== "int" && i.kind !== "uint")
            return problem("type-mismatch", msg.badIndex(t, i), e.index.start, e.index.end);
          return t.elem;
        }
        if (t.kind === "map") {
          if (!compatible(i, t.key))
            return problem("type-mismatch", msg.badIndex(t, i), e.index.start, e.index.end);
          return t.value;
        }
        if (t.kind === "object")
          return e.index.kind === "literal" && typeof e.index.value === "string"
            ? (t.fields[e.index.value] ?? T.dyn)
            : T.dyn;
        return problem("type-mismatch", msg.badIndex(t, i), e.start, e.end);
      }
      case "list":
        return T.list(join(e.elems.map((x) => visit(x, scope))));
      case "map": {
        const keys = e.entries.map((x) => {
          const k = visit(x.key, scope);
          if (!isDynLike(k) && !["int", "uint", "bool", "string"].includes(k.kind))
            problem("type-mismatch", msg.badMapKey(k), x.key.start, x.key.end);
          return k;
        });
        return T.map(join(keys), join(e.entries.map((x) => visit(x.value, scope))));
      }
      case "and":
      case "or":
        expectBool(e.left, scope, `each side of '${e.kind === "and" ? "&&" : "||"}'`);
        expectBool(e.right, scope, `each side of '${e.kind === "and" ? "&&" : "||"}'`);
        return T.bool;
      case "cond": {
        expectBool(e.test, scope, "the condition of '? :'");
        const a = visit(e.then, scope);
        const b = visit(e.otherwise, scope);
        if (!compatible(a, b) && a.kind !== "null_type" && b.kind !== "null_type")
          return problem("type-mismatch", msg.branches(a, b), e.start, e.end);
        return isDynLike(a) ? b : a.kind === "null_type" ? b : a;
      }
      case "comprehension":
        return comprehension(e, scope);
      case "call":
        return call(e, scope);
    }
  };

  const comprehension = (e: ComprehensionExpr, scope: Scope): CelType => {
    const r = visit(e.range, scope);
    let v1: CelType = T.dyn;
    let v2: CelType | undefined;
    if (r.kind === "list") [v1, v2] = e.iterVar2 ? [T.int, r.elem] : [r.elem, undefined];
    else if (r.kind === "map") [v1, v2] = [r.key, r.value];
    else if (r.kind === "object") [v1, v2] = [T.string, T.dyn];
    else if (!isDynLike(r)) problem("type-mismatch", msg.notIterable(e.macro, r), e.range.start, e.range.end);
    const inner = new Map(scope);
    inner.set(e.iterVar, v1);
    if (e.iterVar2) inner.set(e.iterVar2, v2 ?? T.dyn);
    if (e.filter) expectBool(e.filter, inner, `the filter of ${e.macro}()`);
    if (e.macro === "map") return T.list(visit(e.body, inner));
    expectBool(e.body, inner, `the predicate of ${e.macro}()`);
    return e.macro === "filter" ? T.list(v1) : T.bool;
  };

  const call = (e: CallExpr, scope: Scope): CelType => {
    let fn = e.fn;
    let args = e.args;
    if (e.target) {
      const q = qualifiedName(e.target);
      const root = rootIdent(e.target);
      if (q && root !== undefined && !scope.has(root) && !lookupVar(root) && isFunction(`${q}.${fn}`)) {
        fn = `${q}.${fn}`;
        out.namespaced.add(e.id);
      } else args = [e.target, ...e.args];
    } else if (fn.startsWith(".")) fn = fn.slice(1);
    const argTypes = args.map((a) => visit(a, scope));
    if (fn === "_==_" || fn === "_!=_") return equality(e, args, argTypes);
    const res = resolveCall(fn, !!e.target && !out.namespaced.has(e.id), argTypes, env);
    if (res.kind === "ok") {
      out.calls.set(e.id, res.candidates);
      for (const i of res.coerce) out.coerce.add((args[i] as Expr).id);
      return res.result;
    }
    const at: [number, number] = [e.fnStart, e.end];
    if (res.kind === "unknown")
      return problem("unknown-identifier", msg.unknownFunction(fn, allFunctions()), ...at);
    if (res.kind === "arity")
      return problem("wrong-argument-count", msg.wrongArgCount(fn, e.args.length, res.counts), ...at);
    if (argTypes.some((t) => t.kind === "error")) return T.error;
    return problem("no-matching-overload", msg.noOverload(fn, argTypes, res.signatures), ...at);
  };

  const equality = (e: CallExpr, args: Expr[], [a, b]: CelType[]): CelType => {
    const x = a as CelType;
    const y = b as CelType;
    const semverString = (p: CelType, q: CelType) => p.kind === "semver" && q.kind === "string";
    if (semverString(x, y)) out.coerce.add((args[0] as Expr).id);
    else if (semverString(y, x)) out.coerce.add((args[1] as Expr).id);
    else if (!compatible(x, y) && x.kind !== "null_type" && y.kind !== "null_type") {
      return problem("type-mismatch", msg.compare(e.fn === "_==_" ? "==" : "!=", x, y), e.start, e.end);
    }
    return T.bool;
  };

  const isFunction = (name: string) =>
    isBuiltinFunction(name) || !!env.functions?.some((f) => f.name === name);
  const allFunctions = () => [...functionNames(), ...(env.functions ?? []).map((f) => f.name)];

  out.type = visit(ast, new Map());
  return out;
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
