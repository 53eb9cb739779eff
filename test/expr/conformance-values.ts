// Decoding the conformance JSON value encoding, and exact (type-strict) comparison of results.
import {
  CelDuration,
  type CelKey,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
} from "../../src/expr/index.js";
import { parseDuration, parseTimestamp } from "../../src/expr/time.js";

type Encoded = null | boolean | string | Encoded[] | { [k: string]: unknown };

/** Decode one value of cel-cases.json (see its README). */
export function decode(v: Encoded): CelValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(decode);
  if ("int" in v) return BigInt(v.int as string);
  if ("uint" in v) return new CelUint(BigInt(v.uint as string));
  if ("double" in v) {
    const d = v.double;
    return d === "NaN"
      ? Number.NaN
      : d === "Infinity"
        ? Number.POSITIVE_INFINITY
        : d === "-Infinity"
          ? Number.NEGATIVE_INFINITY
          : (d as number);
  }
  if ("bytes" in v) return new Uint8Array(Buffer.from(v.bytes as string, "base64"));
  if ("type" in v) return new CelTypeValue(v.type as string);
  if ("duration" in v) return parseDuration(v.duration as string) as CelDuration;
  if ("timestamp" in v) return parseTimestamp(v.timestamp as string) as CelTimestamp;
  if ("map" in v)
    return new Map((v.map as [Encoded, Encoded][]).map(([k, x]) => [decode(k) as CelKey, decode(x)]));
  throw new Error(`unknown encoding ${JSON.stringify(v)}`);
}

/** Exact equality: same kinds (1 ≠ 1u ≠ 1.0), NaN matches NaN, maps compared without order. */
export function same(a: CelValue, b: CelValue): boolean {
  if (typeof a === "number" && typeof b === "number")
    return (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  if (a instanceof CelUint) return b instanceof CelUint && a.value === b.value;
  if (a instanceof CelTypeValue) return b instanceof CelTypeValue && a.name === b.name;
  if (a instanceof CelDuration) return b instanceof CelDuration && a.nanos === b.nanos;
  if (a instanceof CelTimestamp) return b instanceof CelTimestamp && a.nanos === b.nanos;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i] as CelValue));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, x] of a) {
      const match = [...b].find(([bk]) => same(k, bk));
      if (!match || !same(x, match[1])) return false;
    }
    return true;
  }
  return false;
}
