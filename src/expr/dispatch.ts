// Run-time overload choice for calls whose argument types were not all known when checking (dyn).
import type { ResolvedOverload } from "../check/check-calls.js";
import type { SigType } from "../check/type-utils.js";
import {
  CelDuration,
  type CelError,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
  errors,
} from "../contract/cel-values.js";
import type { Impl } from "./stdlib/impl.js";
import { stdlib } from "./stdlib/index.js";

/** Does a run-time value fit a signature type? (Elements of lists and maps are not inspected.) */
export function fits(v: CelValue, t: SigType): boolean {
  switch (t.kind) {
    case "param":
    case "dyn":
      return true;
    case "int":
      return typeof v === "bigint";
    case "uint":
      return v instanceof CelUint;
    case "double":
      return typeof v === "number";
    case "string":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "bytes":
      return v instanceof Uint8Array;
    case "null_type":
      return v === null;
    case "list":
      return Array.isArray(v);
    case "map":
    case "object":
      return v instanceof Map;
    case "timestamp":
      return v instanceof CelTimestamp;
    case "duration":
      return v instanceof CelDuration;
    case "semver":
      return v instanceof CelSemver;
    case "type":
      return v instanceof CelTypeValue;
    default:
      return false;
  }
}

/** The implementation of an overload: the environment's own, or the standard library's. */
export function implOf(o: ResolvedOverload): Impl {
  const impl = o.impl ?? stdlib[o.id];
  if (!impl) throw new Error(`no implementation for overload ${o.id}`);
  return impl;
}

/** Build a dispatcher over candidate overloads: picks the first whose parameters fit the values. */
export function dispatcher(
  fn: string,
  candidates: readonly ResolvedOverload[],
): (args: CelValue[]) => CelValue | CelError {
  const table = candidates.map((o) => ({ params: o.params, impl: implOf(o) }));
  return (args) => {
    for (const c of table) {
      let ok = true;
      for (let i = 0; i < args.length; i++) {
        if (!fits(args[i] as CelValue, c.params[i] as SigType)) {
          ok = false;
          break;
        }
      }
      if (ok) return c.impl(...args);
    }
    return errors.noOverload(fn, ...args);
  };
}
