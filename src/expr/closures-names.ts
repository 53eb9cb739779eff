// Closures for names and access: variables (dotted names resolved longest first), `.field`, `[index]`, `has()`.

import {
  CelError,
  type CelKey,
  type CelResult,
  CelTypeValue,
  CelUint,
  type CelValue,
  errors,
  runtimeTypeName,
} from "../contract/cel-values.js";
import type { Expr, HasExpr, IdentExpr, IndexExpr, SelectExpr } from "../parser/expr/ast.js";
import type { Ctx, Gen, Node } from "./closure-types.js";
import { mapGet } from "./equality.js";

const TYPE_VALUES: Record<string, CelTypeValue> = Object.fromEntries(
  ["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"].map((n) => [
    n,
    new CelTypeValue(n),
  ]),
);

/** Names to try for an identifier, most specific container first. */
function candidates(name: string, absolute: boolean, container: string | undefined): string[] {
  if (absolute || !container) return [name];
  const parts = container.split(".");
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push(`${parts.slice(0, i).join(".")}.${name}`);
  out.push(name);
  return out;
}

function variable(name: string): Node {
  // The error is built when it happens, so compiling a reference allocates only the closure.
  return (c) => {
    const v = c.vars[name];
    return v === undefined ? unset(name) : v;
  };
}

function unset(name: string): CelError {
  return new CelError(`no value was given for '${name}'`);
}

/** Select a field from a map (or an object held as a map). */
export function selectField(o: CelResult, field: string): CelResult {
  if (o instanceof Map) {
    const v = (o as ReadonlyMap<CelKey, CelValue>).get(field);
    return v === undefined ? errors.noSuchKey(field) : v;
  }
  if (o instanceof CelError) return o;
  return new CelError(`type '${runtimeTypeName(o)}' does not support field selection`);
}

function identOrChain(
  g: Gen,
  e: IdentExpr | SelectExpr,
  scope: ReadonlyMap<string, number>,
): Node | undefined {
  const checked = g.checked;
  if (checked) {
    const name = checked.names[e.id];
    return name === undefined ? undefined : variable(name);
  }
  // Not checked: try the dotted names of the chain against the bindings at run time, longest first.
  const fields: string[] = [];
  let root: Expr = e;
  while (root.kind === "select") {
    fields.unshift(root.field);
    root = root.operand;
  }
  if (root.kind !== "ident" || (!root.absolute && scope.has(root.name))) return undefined;
  const tries: { names: string[]; rest: string[] }[] = [];
  for (let k = fields.length; k >= 0; k--) {
    const dotted = [root.name, ...fields.slice(0, k)].join(".");
    tries.push({ names: candidates(dotted, root.absolute, g.env.container), rest: fields.slice(k) });
  }
  const typeValue = fields.length === 0 ? TYPE_VALUES[root.name] : undefined;
  const unknown = new CelError(`unknown variable '${root.name}'`);
  return (c) => {
    for (const t of tries) {
      for (const n of t.names) {
        let v: CelResult | undefined = c.vars[n];
        if (v === undefined) continue;
        for (const f of t.rest) v = selectField(v, f);
        return v;
      }
    }
    return typeValue ?? unknown;
  };
}

/** Compile identifiers, selections, `has()` and indexing. */
export function compileNames(
  g: Gen,
  e: IdentExpr | SelectExpr | HasExpr | IndexExpr,
  scope: ReadonlyMap<string, number>,
): Node {
  switch (e.kind) {
    case "ident": {
      const slot = e.absolute ? undefined : scope.get(e.name);
      if (slot !== undefined) return (c) => c.slots[slot] as CelValue;
      const named = identOrChain(g, e, scope);
      if (named) return named;
      const tv = TYPE_VALUES[e.name];
      if (tv) return () => tv;
      const err = new CelError(`unknown variable '${e.name}'`);
      return () => err;
    }
    case "select": {
      const named = identOrChain(g, e, scope);
      if (named) return named;
      // A row of selects (`steps.health.output.status`) is one closure over its field names: the same results
      // as one closure per select (an error stops the row and is what it gives), fewer closures to build and call.
      const fields = [e.field];
      let base: Expr = e.operand;
      while (base.kind === "select" && g.checked !== undefined && g.checked.names[base.id] === undefined) {
        fields.push(base.field);
        base = base.operand;
      }
      fields.reverse();
      // The row starts at a declared variable (the usual case): it is read here, not through a closure of its own.
      const name = g.checked?.names[base.id];
      if (name !== undefined) {
        return (c) => {
          const o: CelResult | undefined = c.vars[name];
          return o === undefined ? unset(name) : selectRow(o, fields);
        };
      }
      const operand = g.compile(base, scope);
      if (fields.length === 1) {
        const field = e.field;
        return (c) => {
          const o = operand(c);
          if (o instanceof Map) {
            const v = (o as ReadonlyMap<CelKey, CelValue>).get(field);
            return v === undefined ? errors.noSuchKey(field) : v;
          }
          return selectField(o, field);
        };
      }
      return (c) => selectRow(operand(c), fields);
    }
    case "has": {
      const operand = g.compile(e.operand, scope);
      const field = e.field;
      return (c) => {
        const o = operand(c);
        if (o instanceof Map) return o.has(field);
        if (o instanceof CelError) return o;
        return new CelError(`has() needs a map or an object, not ${runtimeTypeName(o)}`);
      };
    }
    case "index": {
      const operand = g.compile(e.operand, scope);
      const index = g.compile(e.index, scope);
      return (c) => {
        const o = operand(c);
        if (o instanceof CelError) return o;
        const i = index(c);
        if (i instanceof CelError) return i;
        return indexValue(o, i);
      };
    }
  }
}

/** `list[i]` (i an int, uint, or integral double) and `map[key]`. */
export function indexValue(o: CelValue, i: CelValue): CelResult {
  if (Array.isArray(o)) {
    let n: number;
    if (typeof i === "bigint") n = i < 0n || i >= BigInt(o.length) ? -1 : Number(i);
    else if (i instanceof CelUint) n = i.value >= BigInt(o.length) ? -1 : Number(i.value);
    else if (typeof i === "number" && Number.isInteger(i)) n = i < 0 || i >= o.length ? -1 : i;
    else return errors.noOverload("_[_]", o, i);
    return n < 0
      ? errors.indexOutOfRange(
          typeof i === "number" ? i : i instanceof CelUint ? i.value : (i as bigint),
          o.length,
        )
      : (o[n] as CelValue);
  }
  if (o instanceof Map) {
    const v = mapGet(o as ReadonlyMap<CelKey, CelValue>, i);
    return v === undefined ? errors.noSuchKey(i) : v;
  }
  return errors.noOverload("_[_]", o, i);
}

/** Exported for the collection closures. */
export type { Ctx };

/** `o.f1.f2…`: each field of a map in turn, the first miss or non-map answered as a lone select answers it. */
function selectRow(from: CelResult, fields: readonly string[]): CelResult {
  let o = from;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (!(o instanceof Map)) return selectField(o, field);
    const v = (o as ReadonlyMap<CelKey, CelValue>).get(field);
    if (v === undefined) return errors.noSuchKey(field);
    o = v;
  }
  return o;
}
