// Human-readable values for `rbx eval`: CEL literal syntax, so what is printed can be pasted back.

import {
  CelDuration,
  type CelKey,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
} from "../contract/cel-values.js";
import { formatDouble, quote } from "./stdlib/text.js";
import { formatDuration, formatTimestamp } from "./time.js";

/** A value written as a CEL literal: `"text"`, `4`, `4u`, `4.0`, `[1, 2]`, `{"k": true}`, `duration("90s")`. */
export function displayValue(v: CelValue): string {
  switch (typeof v) {
    case "string":
      return quote(v);
    case "bigint":
      return v.toString();
    case "number":
      return Number.isInteger(v) && Math.abs(v) < 1e21
        ? `${v}.0`
        : Number.isFinite(v)
          ? String(v)
          : `double("${formatDouble(v)}")`;
    case "boolean":
      return String(v);
  }
  if (v === null) return "null";
  if (v instanceof CelUint) return `${v.value}u`;
  if (v instanceof Uint8Array)
    return `b"${[...v].map((b) => (b >= 32 && b < 127 && b !== 34 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("")}"`;
  if (v instanceof CelTimestamp) return `timestamp("${formatTimestamp(v)}")`;
  if (v instanceof CelDuration) return `duration("${formatDuration(v)}")`;
  if (v instanceof CelSemver) return `semver("${v.toString()}")`;
  if (v instanceof CelTypeValue) return v.name;
  if (Array.isArray(v)) return `[${v.map(displayValue).join(", ")}]`;
  const entries = [...(v as ReadonlyMap<CelKey, CelValue>)].map(
    ([k, x]) => `${displayValue(k)}: ${displayValue(x)}`,
  );
  return `{${entries.join(", ")}}`;
}
