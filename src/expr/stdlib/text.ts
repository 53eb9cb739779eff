// Text forms of values: CEL `string()` conversion (also used by `${{ }}` templates), `format` and `strings.quote`.

import {
  CelDuration,
  CelError,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
  shortTypeName,
} from "../../contract/cel-values.js";
import { formatDuration, formatTimestamp } from "../time.js";
import type { ImplTable } from "./impl.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A double as text: shortest round-trip digits; NaN and ±Infinity spelled out. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (!Number.isFinite(d)) return d > 0 ? "Infinity" : "-Infinity";
  return String(d);
}

/** Decode bytes as UTF-8; invalid sequences are an error (CEL `string(bytes)`). */
export function bytesToString(b: Uint8Array): string | CelError {
  try {
    return utf8.decode(b);
  } catch {
    return new CelError("invalid UTF-8 in bytes converted to string");
  }
}

/** CEL string conversion of a scalar; lists and maps render as `[a, b]` / `{k: v}` with keys sorted. */
export function celToString(v: CelValue): string | CelError {
  switch (typeof v) {
    case "string":
      return v;
    case "bigint":
      return v.toString();
    case "number":
      return formatDouble(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (v === null) return "null";
  if (v instanceof CelUint) return v.value.toString();
  if (v instanceof Uint8Array) return bytesToString(v);
  if (v instanceof CelTimestamp) return formatTimestamp(v);
  if (v instanceof CelDuration) return formatDuration(v);
  if (v instanceof CelSemver) return v.toString();
  if (v instanceof CelTypeValue) return v.name;
  if (Array.isArray(v)) return joinParts(v.map(celToString), "[", "]");
  const entries = [...(v as ReadonlyMap<CelValue, CelValue>)].map(
    ([k, x]) => [celToString(k), celToString(x)] as const,
  );
  const failed = entries.flat().find((x): x is CelError => x instanceof CelError);
  if (failed) return failed;
  entries.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  return `{${entries.map(([k, x]) => `${k}: ${x}`).join(", ")}}`;
}

function joinParts(parts: (string | CelError)[], open: string, close: string): string | CelError {
  const failed = parts.find((x): x is CelError => x instanceof CelError);
  return failed ?? `${open}${parts.join(", ")}${close}`;
}

/** Round to `digits` decimals, ties to even (as Go's fmt does). */
function fixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return formatDouble(d);
  const scaled = d * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isSafeInteger(floor)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return d.toFixed(digits);
}

function asNumber(v: CelValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof CelUint) return Number(v.value);
  return undefined;
}

function asInteger(v: CelValue): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof CelUint) return v.value;
  if (typeof v === "boolean") return v ? 1n : 0n;
  return undefined;
}

function hex(v: CelValue, upper: boolean): string | CelError {
  const i = asInteger(v);
  let s: string | undefined;
  if (i !== undefined && typeof v !== "boolean") s = (i < 0n ? "-" : "") + (i < 0n ? -i : i).toString(16);
  else if (typeof v === "string") s = Buffer.from(v, "utf8").toString("hex");
  else if (v instanceof Uint8Array) s = Buffer.from(v).toString("hex");
  if (s === undefined)
    return new CelError(
      `only integers, byte buffers, and strings can be formatted as hex, was given ${shortTypeName(v)}`,
    );
  return upper ? s.toUpperCase() : s;
}

function clause(verb: string, precision: number | undefined, v: CelValue): string | CelError {
  switch (verb) {
    case "s":
      return celToString(v);
    case "d": {
      const i = asInteger(v);
      if (i !== undefined && typeof v !== "boolean") return i.toString();
      if (typeof v === "number" && !Number.isFinite(v)) return formatDouble(v);
      return new CelError(`only integers can be formatted with %d, was given ${shortTypeName(v)}`);
    }
    case "f":
    case "e": {
      const n = asNumber(v);
      if (n === undefined)
        return new CelError(`only numbers can be formatted with %${verb}, was given ${shortTypeName(v)}`);
      if (!Number.isFinite(n)) return formatDouble(n);
      if (verb === "f") return fixed(n, precision ?? 6);
      return n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
    }
    case "b": {
      const i = asInteger(v);
      if (i === undefined)
        return new CelError(
          `only integers and bools can be formatted as binary, was given ${shortTypeName(v)}`,
        );
      return (i < 0n ? "-" : "") + (i < 0n ? -i : i).toString(2);
    }
    case "o": {
      const i = asInteger(v);
      if (i === undefined || typeof v === "boolean")
        return new CelError(`only integers can be formatted as octal, was given ${shortTypeName(v)}`);
      return (i < 0n ? "-" : "") + (i < 0n ? -i : i).toString(8);
    }
    case "x":
    case "X":
      return hex(v, verb === "X");
  }
  return new CelError(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
}

/** The most digits %.Nf and %.Ne give (JavaScript's toFixed and toExponential stop there). */
const MAX_PRECISION = 100;

/** `"%s is %d".format([a, b])`: the strings extension's format with %s %d %f %e %b %o %x %X and %%. */
export function format(template: string, args: readonly CelValue[]): string | CelError {
  let out = "";
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    if (template[i + 1] === "%") {
      out += "%";
      i++;
      continue;
    }
    const m = /^(?:\.(\d+))?([a-zA-Z])/.exec(template.slice(i + 1));
    if (!m) return new CelError("could not parse formatting clause: missing verb after %");
    if (m[1] !== undefined && Number(m[1]) > MAX_PRECISION)
      return new CelError(
        `could not format %.${m[1]}${m[2]}: the precision is at most ${MAX_PRECISION} digits`,
      );
    i += m[0].length;
    if (next >= args.length) return new CelError(`index ${next} out of range: format needs more arguments`);
    const piece = clause(
      m[2] as string,
      m[1] === undefined ? undefined : Number(m[1]),
      args[next++] as CelValue,
    );
    if (piece instanceof CelError) return piece;
    out += piece;
    if (out.length > 1_000_000) return new CelError("format result too large");
  }
  return out;
}

const QUOTE_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

/** `strings.quote(s)`: a double-quoted CEL string literal for `s`. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const e = QUOTE_ESCAPES[ch];
    if (e) out += e;
    else if (/[\p{Cc}\p{Cs}\p{Co}\p{Cn}]/u.test(ch)) {
      const cp = ch.codePointAt(0) as number;
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u${cp.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

export const text: ImplTable = {
  string_format: format,
  strings_quote: quote,
};
