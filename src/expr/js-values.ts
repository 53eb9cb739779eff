// The CEL ↔ JavaScript value mapping: `toCel` for JSON inputs (typed by a CelType when known), `fromCel` for JSON output.

import type { CelType } from "../contract/cel-types.js";
import {
  CelDuration,
  CelError,
  type CelKey,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
} from "../contract/cel-values.js";
import type { JsonValue } from "../contract/json.js";
import { parseSemver } from "./semver.js";
import { formatDuration, formatTimestamp, parseDuration, parseTimestamp, timestampOf } from "./time.js";

function isCel(v: unknown): v is CelValue {
  return (
    v instanceof CelUint ||
    v instanceof CelTimestamp ||
    v instanceof CelDuration ||
    v instanceof CelSemver ||
    v instanceof CelTypeValue ||
    v instanceof Uint8Array
  );
}

function orKeep<T>(v: T | CelError, original: CelValue): T | CelValue {
  return v instanceof CelError ? original : v;
}

/**
 * Convert a JavaScript/JSON value to a CEL value. With a type, numbers become int/uint/double as the type
 * says, strings become timestamps/durations/semvers, and object fields follow their declared types.
 * Without one (or dyn): integral numbers become int, others double; arrays lists; objects and Maps maps.
 */
export function toCel(js: unknown, type?: CelType): CelValue {
  if (js === undefined || js === null) return null;
  const t = type && type.kind !== "dyn" ? type : undefined;
  if (t) {
    switch (t.kind) {
      case "int":
        if (typeof js === "number" && Number.isInteger(js)) return BigInt(js);
        if (typeof js === "string" && /^-?\d+$/.test(js)) return BigInt(js);
        break;
      case "uint":
        if (typeof js === "number" && Number.isInteger(js) && js >= 0) return new CelUint(BigInt(js));
        if (typeof js === "bigint" && js >= 0n) return new CelUint(js);
        break;
      case "double":
        if (typeof js === "number") return js;
        if (typeof js === "bigint") return Number(js);
        break;
      case "semver":
        if (typeof js === "string") return parseSemver(js) ?? js;
        break;
      case "duration":
        if (typeof js === "string") return orKeep(parseDuration(js), js);
        if (typeof js === "number") return new CelDuration(BigInt(Math.round(js * 1e6)));
        break;
      case "timestamp":
        if (typeof js === "string") return orKeep(parseTimestamp(js), js);
        if (js instanceof Date) return orKeep(timestampOf(BigInt(js.getTime()) * 1_000_000n), null);
        break;
      case "bytes":
        if (typeof js === "string") return new TextEncoder().encode(js);
        break;
      case "list":
        if (Array.isArray(js)) return js.map((x) => toCel(x, t.elem));
        break;
      case "map":
        return toMap(js, () => t.value, t.key);
      case "object":
        return toMap(js, (k) => t.fields[k]);
    }
  }
  switch (typeof js) {
    case "number":
      return Number.isSafeInteger(js) ? BigInt(js) : js;
    case "bigint":
    case "string":
    case "boolean":
      return js;
    case "object":
      break;
    default:
      return null;
  }
  if (isCel(js)) return js;
  if (Array.isArray(js)) return js.map((x) => toCel(x));
  if (js instanceof Date) return orKeep(timestampOf(BigInt(js.getTime()) * 1_000_000n), null);
  return toMap(js, () => undefined);
}

function toMap(js: unknown, fieldType: (key: string) => CelType | undefined, keyType?: CelType): CelValue {
  if (typeof js !== "object" || js === null || Array.isArray(js) || isCel(js)) return toCel(js);
  const out = new Map<CelKey, CelValue>();
  const entries = js instanceof Map ? [...js.entries()] : Object.entries(js);
  for (const [k, v] of entries) {
    let key: CelKey = typeof k === "string" ? k : (toCel(k) as CelKey);
    if (typeof k === "string" && keyType?.kind === "int" && /^-?\d+$/.test(k)) key = BigInt(k);
    out.set(key, toCel(v, fieldType(String(k))));
  }
  return out;
}

/** Convert a CEL value to JSON: int/uint as numbers (strings beyond 2^53), bytes base64, times as text. */
export function fromCel(v: CelValue): JsonValue {
  switch (typeof v) {
    case "bigint":
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v.toString();
    case "number":
      return Number.isFinite(v) ? v : String(v);
    case "string":
    case "boolean":
      return v;
  }
  if (v === null) return null;
  if (v instanceof CelUint) return fromCel(v.value);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (v instanceof CelTimestamp) return formatTimestamp(v);
  if (v instanceof CelDuration) return formatDuration(v);
  if (v instanceof CelSemver) return v.toString();
  if (v instanceof CelTypeValue) return v.name;
  if (Array.isArray(v)) return v.map(fromCel);
  const out: { [k: string]: JsonValue } = {};
  for (const [k, x] of v as ReadonlyMap<CelKey, CelValue>)
    out[k instanceof CelUint ? k.value.toString() : String(k)] = fromCel(x);
  return out;
}
