// Closures for list and map literals and the comprehension macros (all, exists, exists_one, map, filter).

import {
  CelError,
  type CelKey,
  type CelResult,
  type CelValue,
  errors,
  runtimeTypeName,
} from "../contract/cel-values.js";
import type { ComprehensionExpr, ListExpr, MapExpr } from "../parser/expr/ast.js";
import type { Gen, Node } from "./closure-types.js";
import { isKey, mapGet } from "./equality.js";

const costError = () =>
  new CelError("the expression exceeded its cost limit (too many iterations); simplify it");

/** Compile a list literal, map literal or comprehension. */
export function compileCollections(
  g: Gen,
  e: ListExpr | MapExpr | ComprehensionExpr,
  scope: ReadonlyMap<string, number>,
): Node {
  if (e.kind === "list") {
    const elems = e.elems.map((x) => g.compile(x, scope));
    return (c) => {
      const out: CelValue[] = new Array(elems.length);
      for (let i = 0; i < elems.length; i++) {
        const v = (elems[i] as Node)(c);
        if (v instanceof CelError) return v;
        out[i] = v;
      }
      return out;
    };
  }
  if (e.kind === "map") {
    const entries = e.entries.map((x) => [g.compile(x.key, scope), g.compile(x.value, scope)] as const);
    return (c) => {
      const m = new Map<CelKey, CelValue>();
      for (const [kn, vn] of entries) {
        const k = kn(c);
        if (k instanceof CelError) return k;
        if (!isKey(k))
          return new CelError(
            `unsupported key type ${runtimeTypeName(k)}: map keys are int, uint, bool or string`,
          );
        const v = vn(c);
        if (v instanceof CelError) return v;
        if (mapGet(m, k) !== undefined) return new CelError(`Failed with repeated key ${String(k)}`);
        m.set(k, v);
      }
      return m;
    };
  }
  return comprehension(g, e, scope);
}

function comprehension(g: Gen, e: ComprehensionExpr, scope: ReadonlyMap<string, number>): Node {
  const range = g.compile(e.range, scope);
  const s1 = g.newSlot();
  const s2 = e.iterVar2 ? g.newSlot() : -1;
  const inner = new Map(scope);
  inner.set(e.iterVar, s1);
  if (e.iterVar2) inner.set(e.iterVar2, s2);
  const body = g.compile(e.body, inner);
  const filter = e.filter ? g.compile(e.filter, inner) : undefined;
  const two = s2 >= 0;
  const macro = e.macro;

  return (c) => {
    const r = range(c);
    if (r instanceof CelError) return r;
    let keys: readonly CelValue[];
    let values: readonly CelValue[] | undefined;
    if (Array.isArray(r)) {
      keys = r;
      if (two) values = r;
    } else if (r instanceof Map) {
      keys = [...r.keys()];
      if (two) values = [...r.values()];
    } else {
      return new CelError(`${macro}() needs a list or a map, not ${runtimeTypeName(r)}`);
    }
    let err: CelError | undefined;
    let count = 0;
    const out: CelValue[] = [];
    for (let i = 0; i < keys.length; i++) {
      if (--c.budget < 0) return costError();
      if (two) {
        c.slots[s1] = Array.isArray(r) ? BigInt(i) : (keys[i] as CelValue);
        c.slots[s2] = (values as CelValue[])[i] as CelValue;
      } else c.slots[s1] = keys[i] as CelValue;
      if (filter) {
        const f = filter(c);
        if (f === false) continue;
        if (f !== true) return f instanceof CelError ? f : errors.noOverload("map filter", f);
      }
      const v: CelResult = body(c);
      switch (macro) {
        case "all":
          if (v === false) return false;
          if (v !== true) err ??= v instanceof CelError ? v : errors.noOverload("all", v);
          break;
        case "exists":
          if (v === true) return true;
          if (v !== false) err ??= v instanceof CelError ? v : errors.noOverload("exists", v);
          break;
        case "exists_one":
          if (v === true) count++;
          else if (v !== false) return v instanceof CelError ? v : errors.noOverload("exists_one", v);
          break;
        case "map":
          if (v instanceof CelError) return v;
          out.push(v);
          break;
        case "filter":
          if (v === true) out.push(keys[i] as CelValue);
          else if (v !== false) return v instanceof CelError ? v : errors.noOverload("filter", v);
          break;
      }
    }
    switch (macro) {
      case "all":
        return err ?? true;
      case "exists":
        return err ?? false;
      case "exists_one":
        return count === 1;
      default:
        return out;
    }
  };
}
