// Type conversions: int uint double string bytes bool dyn type, timestamp, duration and semver from text.

import {
  CelError,
  type CelSemver,
  type CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
  errors,
  INT64_MAX,
  INT64_MIN,
  runtimeTypeName,
  UINT64_MAX,
} from "../../contract/cel-values.js";
import { parseSemver } from "../semver.js";
import { floorDiv, parseDuration, parseTimestamp, timestampOf } from "../time.js";
import type { ImplTable } from "./impl.js";
import { celToString } from "./text.js";

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

function intFromString(s: string): CelValue | CelError {
  if (!/^[+-]?\d+$/.test(s)) return new CelError(`cannot convert '${s}' to int; write digits such as "42"`);
  const v = BigInt(s);
  return v > INT64_MAX || v < INT64_MIN ? errors.range("int") : v;
}

function doubleFromString(s: string): CelValue | CelError {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?(?:inf|infinity)$/i.test(s))
    return s.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[+-]?nan$/i.test(s)) return Number.NaN;
  return new CelError(`cannot convert '${s}' to double`);
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

export const convert: ImplTable = {
  int_from_int: (v: bigint) => v,
  int_from_uint: (v: CelUint) => (v.value > INT64_MAX ? errors.range("int") : v.value),
  int_from_double: (d: number) =>
    Number.isNaN(d) || d <= -TWO_63 || d >= TWO_63 ? errors.range("int") : BigInt(Math.trunc(d)),
  int_from_string: intFromString,
  int_from_timestamp: (t: CelTimestamp) => floorDiv(t.nanos, 1_000_000_000n),
  uint_from_int: (v: bigint) => (v < 0n ? errors.range("uint") : new CelUint(v)),
  uint_from_uint: (v: CelUint) => v,
  uint_from_double: (d: number) =>
    Number.isNaN(d) || d <= -1 || d >= TWO_64 ? errors.range("uint") : new CelUint(BigInt(Math.trunc(d))),
  uint_from_string: (s: string) => {
    if (!/^\+?\d+$/.test(s)) return new CelError(`cannot convert '${s}' to uint`);
    const v = BigInt(s);
    return v > UINT64_MAX ? errors.range("uint") : new CelUint(v);
  },
  double_from_int: (v: bigint) => Number(v),
  double_from_uint: (v: CelUint) => Number(v.value),
  double_from_double: (d: number) => d,
  double_from_string: doubleFromString,
  bytes_from_string: (s: string) => new TextEncoder().encode(s),
  bytes_from_bytes: (b: Uint8Array) => b,
  bool_from_bool: (b: boolean) => b,
  bool_from_string: (s: string) =>
    TRUE.has(s)
      ? true
      : FALSE.has(s)
        ? false
        : new CelError(`cannot convert '${s}' to bool; write true or false`),
  to_dyn: (v: CelValue) => v,
  type_of: (v: CelValue) =>
    v instanceof CelTypeValue ? new CelTypeValue("type") : new CelTypeValue(runtimeTypeName(v)),
  timestamp_from_string: parseTimestamp,
  timestamp_from_int: (s: bigint) => timestampOf(s * 1_000_000_000n),
  timestamp_from_timestamp: (t: CelTimestamp) => t,
  duration_from_string: parseDuration,
  duration_from_duration: (d: CelValue) => d,
  now: () => timestampOf(BigInt(Date.now()) * 1_000_000n),
  semver_from_string: (s: string) =>
    parseSemver(s) ?? new CelError(`'${s}' is not a semantic version; write e.g. 1.4.2 or 2.0.0-rc.1`),
  semver_from_semver: (v: CelSemver) => v,
  is_semver: (s: string) => parseSemver(s) !== undefined,
  semver_major: (v: CelSemver) => v.major,
  semver_minor: (v: CelSemver) => v.minor,
  semver_patch: (v: CelSemver) => v.patch,
};
for (const t of ["int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration", "semver"]) {
  convert[`string_from_${t}`] = celToString;
}
