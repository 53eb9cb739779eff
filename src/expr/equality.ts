// Equality, ordering and map lookup with CEL's heterogeneous numeric rules (1 == 1u == 1.0).

import {
  CelDuration,
  type CelKey,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
} from "../contract/cel-values.js";
import { compareSemver } from "./semver.js";

/** A numeric value as one of three kinds, for cross-type comparison. */
function numeric(v: CelValue): bigint | number | undefined {
  if (typeof v === "bigint" || typeof v === "number") return v;
  if (v instanceof CelUint) return v.value;
  return undefined;
}

/** Compare an integer with a double as CEL does: the integer converted to double. NaN → NaN. */
function compareIntDouble(i: bigint, d: number): number {
  if (Number.isNaN(d)) return Number.NaN;
  const x = Number(i);
  return x < d ? -1 : x > d ? 1 : 0;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === "bigint") {
    if (typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
    return compareIntDouble(a, b);
  }
  if (typeof b === "bigint") return -compareIntDouble(b, a);
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

/** Compare strings by Unicode code point (not UTF-16 unit), as CEL requires. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * Order two values: negative, zero or positive; NaN when unordered (a NaN double);
 * undefined when the pair has no ordering (different kinds, lists, maps, null).
 */
export function celCompare(a: CelValue, b: CelValue): number | undefined {
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    return nb === undefined ? undefined : compareNumbers(na, nb);
  }
  if (typeof a === "string") return typeof b === "string" ? compareStrings(a, b) : undefined;
  if (typeof a === "boolean") return typeof b === "boolean" ? Number(a) - Number(b) : undefined;
  if (a instanceof Uint8Array) return b instanceof Uint8Array ? compareBytes(a, b) : undefined;
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return sign(a.nanos - b.nanos);
  if (a instanceof CelDuration && b instanceof CelDuration) return sign(a.nanos - b.nanos);
  if (a instanceof CelSemver && b instanceof CelSemver) return compareSemver(a, b);
  return undefined;
}

function sign(d: bigint): number {
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** CEL equality: numbers compare by value across int, uint and double; other kinds must match. */
export function celEquals(a: CelValue, b: CelValue): boolean {
  if (a === b) return typeof a !== "number" || !Number.isNaN(a);
  const ta = typeof a;
  if (ta === "string" || ta === "boolean" || a === null || b === null) return false;
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    return nb !== undefined && compareNumbers(na, nb) === 0;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!celEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = mapGet(b, k);
      if (other === undefined || !celEquals(v, other)) return false;
    }
    return true;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (a instanceof CelTimestamp) return b instanceof CelTimestamp && a.nanos === b.nanos;
  if (a instanceof CelDuration) return b instanceof CelDuration && a.nanos === b.nanos;
  if (a instanceof CelSemver) return b instanceof CelSemver && compareSemver(a, b) === 0;
  if (a instanceof CelTypeValue) return b instanceof CelTypeValue && a.name === b.name;
  return false;
}

/** True for the values a map may use as a key. */
export function isKey(v: CelValue): v is CelKey {
  return typeof v === "string" || typeof v === "bigint" || typeof v === "boolean" || v instanceof CelUint;
}

/** Look a key up in a map, matching numeric keys across int, uint and integral doubles. */
export function mapGet(m: ReadonlyMap<CelKey, CelValue>, key: CelValue): CelValue | undefined {
  if (typeof key === "string" || typeof key === "boolean") return m.get(key);
  let n: bigint;
  if (typeof key === "bigint") {
    const hit = m.get(key);
    if (hit !== undefined) return hit;
    n = key;
  } else if (key instanceof CelUint) {
    n = key.value;
    const hit = m.get(n);
    if (hit !== undefined) return hit;
  } else if (typeof key === "number") {
    if (!Number.isInteger(key)) return undefined;
    n = BigInt(key);
    const hit = m.get(n);
    if (hit !== undefined) return hit;
  } else {
    return undefined;
  }
  for (const [k, v] of m) if (k instanceof CelUint && k.value === n) return v;
  return undefined;
}
