// CEL types as the checker sees them, plus `semver` and named object types for built-in outputs.

export type PrimitiveKind =
  | "int"
  | "uint"
  | "double"
  | "bool"
  | "string"
  | "bytes"
  | "null_type"
  | "duration"
  | "timestamp"
  | "semver"
  | "dyn"
  | "error";

export type CelType =
  | { kind: PrimitiveKind }
  | { kind: "list"; elem: CelType }
  | { kind: "map"; key: CelType; value: CelType }
  | { kind: "type"; of?: CelType }
  /** A record with known fields (step outputs, params, connections); field access is checked. */
  | { kind: "object"; name: string; fields: Readonly<Record<string, CelType>> };

const prim = (kind: PrimitiveKind): CelType => ({ kind });

/** Constructors, so definitions read like the types they describe: `T.list(T.string)`. */
export const T = {
  int: prim("int"),
  uint: prim("uint"),
  double: prim("double"),
  bool: prim("bool"),
  string: prim("string"),
  bytes: prim("bytes"),
  null: prim("null_type"),
  duration: prim("duration"),
  timestamp: prim("timestamp"),
  semver: prim("semver"),
  dyn: prim("dyn"),
  error: prim("error"),
  list: (elem: CelType): CelType => ({ kind: "list", elem }),
  map: (key: CelType, value: CelType): CelType => ({ kind: "map", key, value }),
  type: (of?: CelType): CelType => (of ? { kind: "type", of } : { kind: "type" }),
  object: (name: string, fields: Record<string, CelType>): CelType => ({ kind: "object", name, fields }),
} as const;

/** The CEL spelling of a type, as shown in messages: `list(string)`, `map(string, int)`. */
export function typeName(t: CelType): string {
  switch (t.kind) {
    case "list":
      return `list(${typeName(t.elem)})`;
    case "map":
      return `map(${typeName(t.key)}, ${typeName(t.value)})`;
    case "type":
      return t.of ? `type(${typeName(t.of)})` : "type";
    case "object":
      return t.name;
    default:
      return t.kind;
  }
}
