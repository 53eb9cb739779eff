// Type relations the checker needs: assignability with dyn, joins of list/map literal types, parsing type names.
import { type CelType, T, typeName } from "../contract/cel-types.js";

/** A type in an overload signature: a CEL type or a type parameter such as `A`. */
export type SigType =
  | CelType
  | { kind: "param"; name: string }
  | { kind: "list"; elem: SigType }
  | { kind: "map"; key: SigType; value: SigType }
  | { kind: "type"; of?: SigType };

/** True when a static type gives no information (dyn, or an error already reported). */
export function isDynLike(t: CelType): boolean {
  return t.kind === "dyn" || t.kind === "error";
}

/** Structural equality of two types (objects by name). */
export function sameType(a: CelType, b: CelType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "list":
      return sameType(a.elem, (b as typeof a).elem);
    case "map":
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case "object":
      return a.name === (b as typeof a).name;
    case "type":
      return true;
    default:
      return true;
  }
}

/** Can a value of type `a` be used where `b` is expected (or vice versa), treating dyn as a wildcard? */
export function compatible(a: CelType, b: CelType): boolean {
  if (isDynLike(a) || isDynLike(b)) return true;
  if (a.kind === "object" && b.kind === "map") return compatible(T.string, b.key);
  if (b.kind === "object" && a.kind === "map") return compatible(a.key, T.string);
  if (a.kind !== b.kind) return false;
  if (a.kind === "list") return compatible(a.elem, (b as typeof a).elem);
  if (a.kind === "map")
    return compatible(a.key, (b as typeof a).key) && compatible(a.value, (b as typeof a).value);
  if (a.kind === "object") return a.name === (b as typeof a).name;
  return true;
}

/** The common type of list elements or map keys/values: the shared type, else dyn. */
export function join(types: readonly CelType[]): CelType {
  let acc: CelType | undefined;
  for (const t of types) {
    if (t.kind === "error") continue;
    if (!acc) acc = t;
    else if (!sameType(acc, t)) {
      if (acc.kind === "null_type" || t.kind === "null_type") return T.dyn;
      return T.dyn;
    }
  }
  return acc ?? T.dyn;
}

/** Unify a signature type with an argument type, binding parameters; false when they cannot match. */
export function unify(sig: SigType, actual: CelType, binds: Map<string, CelType>): boolean {
  if (sig.kind === "param") {
    const bound = binds.get(sig.name);
    if (!bound || isDynLike(bound)) {
      binds.set(sig.name, actual);
      return true;
    }
    return compatible(bound, actual);
  }
  if (isDynLike(actual) || sig.kind === "dyn") return true;
  if (sig.kind === "list") return actual.kind === "list" && unify(sig.elem, actual.elem, binds);
  if (sig.kind === "map") {
    if (actual.kind === "object") return unify(sig.key, T.string, binds) && unify(sig.value, T.dyn, binds);
    return (
      actual.kind === "map" && unify(sig.key, actual.key, binds) && unify(sig.value, actual.value, binds)
    );
  }
  if (sig.kind === "type") return actual.kind === "type";
  return sig.kind === actual.kind;
}

/** Replace bound parameters in a signature type; unbound ones become dyn. */
export function substitute(sig: SigType, binds: Map<string, CelType>): CelType {
  switch (sig.kind) {
    case "param":
      return binds.get(sig.name) ?? T.dyn;
    case "list":
      return T.list(substitute(sig.elem, binds));
    case "map":
      return T.map(substitute(sig.key, binds), substitute(sig.value, binds));
    case "type":
      return sig.of ? T.type(substitute(sig.of, binds)) : T.type();
    default:
      return sig as CelType;
  }
}

/** The types CEL names by a plain identifier, both in expressions (`type(x) == int`) and in signatures. */
export const PRIMITIVE_TYPES: Readonly<Record<string, CelType>> = {
  int: T.int,
  uint: T.uint,
  double: T.double,
  bool: T.bool,
  string: T.string,
  bytes: T.bytes,
  null_type: T.null,
  dyn: T.dyn,
  type: T.type(),
};

const NAMED: Record<string, CelType> = {
  ...PRIMITIVE_TYPES,
  duration: T.duration,
  timestamp: T.timestamp,
  semver: T.semver,
  "google.protobuf.Duration": T.duration,
  "google.protobuf.Timestamp": T.timestamp,
};

/** Parse a type written as text: `int`, `list(string)`, `map(string, list(int))`; single capitals are parameters. */
export function parseSigType(text: string): SigType {
  let i = 0;
  const src = text.replace(/\s+/g, "");
  const read = (): SigType => {
    const m = /^[A-Za-z_][\w.]*/.exec(src.slice(i));
    if (!m) throw new Error(`bad type '${text}'`);
    const name = m[0];
    i += name.length;
    if (src[i] === "(") {
      i++;
      const args: SigType[] = [read()];
      while (src[i] === ",") {
        i++;
        args.push(read());
      }
      i++;
      if (name === "list") return { kind: "list", elem: args[0] as SigType };
      if (name === "map") return { kind: "map", key: args[0] as SigType, value: args[1] as SigType };
      if (name === "type") return { kind: "type", of: args[0] as SigType };
      throw new Error(`bad type '${text}'`);
    }
    if (/^[A-Z]$/.test(name)) return { kind: "param", name };
    const t = NAMED[name];
    if (!t) throw new Error(`unknown type '${name}'`);
    return t;
  };
  const t = read();
  if (i !== src.length) throw new Error(`bad type '${text}'`);
  return t;
}

/** Parse a concrete CEL type name (no parameters); undefined when it is not one. */
export function parseType(text: string): CelType | undefined {
  try {
    const t = parseSigType(text);
    return hasParam(t) ? undefined : (t as CelType);
  } catch {
    return undefined;
  }
}

function hasParam(t: SigType): boolean {
  if (t.kind === "param") return true;
  if (t.kind === "list") return hasParam(t.elem);
  if (t.kind === "map") return hasParam(t.key) || hasParam(t.value);
  return false;
}

/** The name of a type for messages; re-exported so callers need one import. */
export { typeName };
