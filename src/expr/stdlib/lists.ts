// List and map functions: size, `in`, and the lists extension's sum, min and max.

import {
  CelDuration,
  CelError,
  CelUint,
  type CelValue,
  errors,
  INT64_MAX,
  INT64_MIN,
  UINT64_MAX,
} from "../../contract/cel-values.js";
import { celCompare, celEquals, mapGet } from "../equality.js";
import { durationOf } from "../time.js";
import type { ImplTable } from "./impl.js";

function extreme(list: readonly CelValue[], sign: number): CelValue | CelError {
  if (list.length === 0) return new CelError("min()/max() of an empty list; check size(list) > 0 first");
  let best = list[0] as CelValue;
  for (let i = 1; i < list.length; i++) {
    const v = list[i] as CelValue;
    const c = celCompare(v, best);
    if (c === undefined) return errors.noOverload(sign < 0 ? "min" : "max", best, v);
    if (c * sign > 0) best = v;
  }
  return best;
}

/** Sum a list of ints, uints, doubles or durations; the elements are checked, since a list may be list(dyn). */
function sum(l: readonly CelValue[]): CelValue | CelError {
  const first = l[0];
  if (first === undefined) return 0n;
  if (typeof first === "bigint" || first instanceof CelUint || first instanceof CelDuration) {
    let s = 0n;
    for (const x of l) {
      const v =
        typeof x === "bigint" && typeof first === "bigint"
          ? x
          : x instanceof CelUint && first instanceof CelUint
            ? x.value
            : x instanceof CelDuration && first instanceof CelDuration
              ? x.nanos
              : undefined;
      if (v === undefined) return errors.noOverload("sum", first, x);
      s += v;
    }
    if (first instanceof CelUint) return s > UINT64_MAX ? errors.overflow("sum") : new CelUint(s);
    if (first instanceof CelDuration) return durationOf(s);
    return s > INT64_MAX || s < INT64_MIN ? errors.overflow("sum") : s;
  }
  if (typeof first === "number") {
    let s = 0;
    for (const x of l) {
      if (typeof x !== "number") return errors.noOverload("sum", first, x);
      s += x;
    }
    return s;
  }
  return errors.noOverload("sum", first);
}

export const lists: ImplTable = {
  size_list: (l: CelValue[]) => BigInt(l.length),
  list_size: (l: CelValue[]) => BigInt(l.length),
  size_map: (m: Map<CelValue, CelValue>) => BigInt(m.size),
  map_size: (m: Map<CelValue, CelValue>) => BigInt(m.size),
  in_list: (v: CelValue, l: CelValue[]) => {
    for (const x of l) if (celEquals(v, x)) return true;
    return false;
  },
  in_map: (k: CelValue, m: ReadonlyMap<never, CelValue>) => mapGet(m, k) !== undefined,
  list_sum_int: sum,
  list_sum_uint: sum,
  list_sum_double: sum,
  list_sum_duration: sum,
  list_min: (l: CelValue[]) => extreme(l, -1),
  list_max: (l: CelValue[]) => extreme(l, 1),
};
