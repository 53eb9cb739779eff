// The checker's messages, as named helpers so wording stays consistent and each says what to do.

import { type CelType, typeName } from "../contract/cel-types.js";
import { suggestion } from "./did-you-mean.js";
import type { Overload } from "./overloads.js";
import type { SigType } from "./type-utils.js";

/** A signature type as people read it: `list(A)`, `map(K, V)`, `string`. */
export function sigName(t: SigType): string {
  if (t.kind === "param") return t.name;
  if (t.kind === "list") return `list(${sigName(t.elem)})`;
  if (t.kind === "map") return `map(${sigName(t.key)}, ${sigName(t.value)})`;
  if (t.kind === "type") return "type";
  return typeName(t as CelType);
}

/** Message texts by diagnostic code. */
export const msg = {
  unknownIdentifier: (name: string, known: readonly string[]) =>
    `unknown name '${name}'.${suggestion(name, known)}`,
  unknownFunction: (name: string, known: readonly string[]) =>
    `unknown function '${name}'.${suggestion(name, known)}`,
  unknownField: (field: string, owner: string, known: readonly string[]) =>
    `'${field}' is not a field of ${owner}.${suggestion(field, known)}`,
  notSelectable: (t: CelType, field: string) =>
    `a value of type ${typeName(t)} has no fields, so '.${field}' cannot be read; select from a map or an object`,
  noOverload: (fn: string, args: readonly CelType[], candidates: readonly SigType[][]) => {
    const given = `(${args.map(typeName).join(", ")})`;
    const takes = [...new Set(candidates.map((c) => `(${c.map(sigName).join(", ")})`))]
      .slice(0, 8)
      .join(", ");
    return `no overload of '${display(fn)}' accepts ${given}; it accepts ${takes}. Convert the argument, e.g. with int(), string() or double()`;
  },
  wrongArgCount: (fn: string, given: number, counts: readonly number[]) =>
    `'${display(fn)}' takes ${[...new Set(counts)].sort().join(" or ")} argument(s), but ${given} ${given === 1 ? "was" : "were"} given`,
  notBool: (what: string, t: CelType) =>
    `${what} must be a bool, but this is ${typeName(t)}; compare it, e.g. x == "value" or size(x) > 0`,
  compare: (op: string, a: CelType, b: CelType) =>
    `cannot compare ${typeName(a)} with ${typeName(b)} using '${op}'; convert one side, e.g. int(x) or string(x)`,
  branches: (a: CelType, b: CelType) =>
    `the two branches of '? :' have different types (${typeName(a)} and ${typeName(b)}); make them the same type, or wrap one in dyn()`,
  badIndex: (t: CelType, i: CelType) => `a ${typeName(t)} cannot be indexed with ${typeName(i)}`,
  badMapKey: (t: CelType) => `map keys must be int, uint, bool or string, not ${typeName(t)}`,
  notIterable: (macro: string, t: CelType) => `${macro}() iterates over a list or a map, not ${typeName(t)}`,
};

function display(fn: string): string {
  if (fn === "@in") return "in";
  if (/^_.*_$/.test(fn)) return fn.slice(1, -1);
  if (fn.endsWith("_")) return fn.slice(0, -1);
  return fn;
}

/** An overload as people read it: `string.contains(string) -> bool`, `size(list(A)) -> int`. */
export function signatureText(o: Overload): string {
  const [first, ...rest] = o.params;
  const name = display(o.fn);
  if (o.receiver && first)
    return `${sigName(first)}.${name}(${rest.map(sigName).join(", ")}) -> ${sigName(o.result)}`;
  return `${name}(${o.params.map(sigName).join(", ")}) -> ${sigName(o.result)}`;
}
