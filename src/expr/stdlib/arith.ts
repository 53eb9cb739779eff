// Arithmetic with CEL's overflow rules (int64/uint64 overflow is an error, no implicit conversion), and ordering.

import {
  type CelDuration,
  type CelTimestamp,
  CelUint,
  type CelValue,
  errors,
  INT64_MAX,
  INT64_MIN,
  UINT64_MAX,
} from "../../contract/cel-values.js";
import { celCompare } from "../equality.js";
import { durationOf, timestampOf } from "../time.js";
import type { ImplTable } from "./impl.js";

const int = (op: string, r: bigint) => (r > INT64_MAX || r < INT64_MIN ? errors.overflow(op) : r);
const uint = (op: string, r: bigint) => (r > UINT64_MAX || r < 0n ? errors.overflow(op) : new CelUint(r));

/** A size limit for values built by `+`, so no expression can grow without bound. */
export const MAX_CONCAT = 1_000_000;

function ordering(test: (c: number) => boolean) {
  return (a: CelValue, b: CelValue) => {
    const c = celCompare(a, b);
    if (c === undefined) return errors.noOverload("_<_", a, b);
    return !Number.isNaN(c) && test(c);
  };
}

export const arith: ImplTable = {
  add_int: (a: bigint, b: bigint) => int("addition", a + b),
  subtract_int: (a: bigint, b: bigint) => int("subtraction", a - b),
  multiply_int: (a: bigint, b: bigint) => int("multiplication", a * b),
  divide_int: (a: bigint, b: bigint) => (b === 0n ? errors.divideByZero() : int("division", a / b)),
  modulo_int: (a: bigint, b: bigint) => (b === 0n ? errors.moduloByZero() : a % b),
  negate_int: (a: bigint) => int("negation", -a),
  add_uint: (a: CelUint, b: CelUint) => uint("addition", a.value + b.value),
  subtract_uint: (a: CelUint, b: CelUint) => uint("subtraction", a.value - b.value),
  multiply_uint: (a: CelUint, b: CelUint) => uint("multiplication", a.value * b.value),
  divide_uint: (a: CelUint, b: CelUint) =>
    b.value === 0n ? errors.divideByZero() : new CelUint(a.value / b.value),
  modulo_uint: (a: CelUint, b: CelUint) =>
    b.value === 0n ? errors.moduloByZero() : new CelUint(a.value % b.value),
  add_double: (a: number, b: number) => a + b,
  subtract_double: (a: number, b: number) => a - b,
  multiply_double: (a: number, b: number) => a * b,
  divide_double: (a: number, b: number) => a / b,
  negate_double: (a: number) => -a,
  add_string: (a: string, b: string) =>
    a.length + b.length > MAX_CONCAT ? errors.range("string size") : a + b,
  add_bytes: (a: Uint8Array, b: Uint8Array) => {
    if (a.length + b.length > MAX_CONCAT) return errors.range("bytes size");
    const r = new Uint8Array(a.length + b.length);
    r.set(a);
    r.set(b, a.length);
    return r;
  },
  add_list: (a: CelValue[], b: CelValue[]) =>
    a.length + b.length > MAX_CONCAT
      ? errors.range("list size")
      : b.length === 0
        ? a
        : a.length === 0
          ? b
          : [...a, ...b],
  add_timestamp_duration: (a: CelTimestamp, b: CelDuration) => timestampOf(a.nanos + b.nanos),
  add_duration_timestamp: (a: CelDuration, b: CelTimestamp) => timestampOf(a.nanos + b.nanos),
  add_duration_duration: (a: CelDuration, b: CelDuration) => durationOf(a.nanos + b.nanos),
  subtract_timestamp_timestamp: (a: CelTimestamp, b: CelTimestamp) => durationOf(a.nanos - b.nanos),
  subtract_timestamp_duration: (a: CelTimestamp, b: CelDuration) => timestampOf(a.nanos - b.nanos),
  subtract_duration_duration: (a: CelDuration, b: CelDuration) => durationOf(a.nanos - b.nanos),
  negate_duration: (a: CelDuration) => durationOf(-a.nanos),
  logical_not: (a: boolean) => !a,
};

const tests: Record<string, (c: number) => boolean> = {
  less: (c) => c < 0,
  less_equals: (c) => c <= 0,
  greater: (c) => c > 0,
  greater_equals: (c) => c >= 0,
};
for (const [name, test] of Object.entries(tests)) {
  const impl = ordering(test);
  for (const a of ["int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration", "semver"]) {
    arith[`${name}_${a}`] = impl;
    for (const b of ["int", "uint", "double"]) arith[`${name}_${a}_${b}`] = impl;
  }
}
