// Infers a CEL type from plain JSON data, so variables given as data (`rbx eval --vars`) are checked precisely.
import { join } from "../check/type-utils.js";
import { type CelType, T } from "../contract/cel-types.js";

/** The CEL type of a JSON value: integral numbers int, others double; objects become typed records. */
export function inferType(v: unknown, name = "value"): CelType {
  if (v === null || v === undefined) return T.null;
  switch (typeof v) {
    case "boolean":
      return T.bool;
    case "string":
      return T.string;
    case "bigint":
      return T.int;
    case "number":
      return Number.isSafeInteger(v) ? T.int : T.double;
  }
  if (Array.isArray(v)) return T.list(v.length === 0 ? T.dyn : join(v.map((x) => inferType(x, name))));
  if (typeof v === "object") {
    const fields: Record<string, CelType> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      fields[k] = inferType(x, `${name}.${k}`);
    return T.object(name, fields);
  }
  return T.dyn;
}
