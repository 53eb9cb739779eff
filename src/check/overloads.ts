// The signatures of every built-in function and operator; the evaluator implements each by its overload id.
import { parseSigType, type SigType } from "./type-utils.js";

/** One overload: `receiver` when called as `x.fn(...)` (the receiver is params[0]). */
export interface Overload {
  id: string;
  fn: string;
  receiver: boolean;
  params: SigType[];
  result: SigType;
}

const table: Overload[] = [];

function add(fn: string, receiver: boolean, id: string, sig: string): void {
  const [args, result] = sig.split("->").map((s) => s.trim()) as [string, string];
  const params = args === "" ? [] : splitTop(args).map(parseSigType);
  table.push({ id, fn, receiver, params, result: parseSigType(result) });
}
const g = (fn: string, id: string, sig: string) => add(fn, false, id, sig);
const r = (fn: string, id: string, sig: string) => add(fn, true, id, sig);

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    if (c === "(") depth++;
    if (c === ")") depth--;
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

// Arithmetic.
for (const t of ["int", "uint", "double"]) {
  g("_+_", `add_${t}`, `${t}, ${t} -> ${t}`);
  g("_-_", `subtract_${t}`, `${t}, ${t} -> ${t}`);
  g("_*_", `multiply_${t}`, `${t}, ${t} -> ${t}`);
  g("_/_", `divide_${t}`, `${t}, ${t} -> ${t}`);
}
g("_%_", "modulo_int", "int, int -> int");
g("_%_", "modulo_uint", "uint, uint -> uint");
g("_+_", "add_string", "string, string -> string");
g("_+_", "add_bytes", "bytes, bytes -> bytes");
g("_+_", "add_list", "list(A), list(A) -> list(A)");
g("_+_", "add_timestamp_duration", "timestamp, duration -> timestamp");
g("_+_", "add_duration_timestamp", "duration, timestamp -> timestamp");
g("_+_", "add_duration_duration", "duration, duration -> duration");
g("_-_", "subtract_timestamp_timestamp", "timestamp, timestamp -> duration");
g("_-_", "subtract_timestamp_duration", "timestamp, duration -> timestamp");
g("_-_", "subtract_duration_duration", "duration, duration -> duration");
g("-_", "negate_int", "int -> int");
g("-_", "negate_double", "double -> double");
g("-_", "negate_duration", "duration -> duration");
g("!_", "logical_not", "bool -> bool");

// Ordering: same-kind pairs, plus int/uint/double across kinds (values compare exactly).
const ordered = ["int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration", "semver"];
const numeric = ["int", "uint", "double"];
for (const [op, name] of [
  ["_<_", "less"],
  ["_<=_", "less_equals"],
  ["_>_", "greater"],
  ["_>=_", "greater_equals"],
] as const) {
  for (const t of ordered) g(op, `${name}_${t}`, `${t}, ${t} -> bool`);
  for (const a of numeric)
    for (const b of numeric) if (a !== b) g(op, `${name}_${a}_${b}`, `${a}, ${b} -> bool`);
}

// Size and containment.
for (const t of ["string", "bytes", "list(A)", "map(K, V)"]) {
  const n = t.replace(/\(.*/, "");
  g("size", `size_${n}`, `${t} -> int`);
  r("size", `${n}_size`, `${t} -> int`);
}
g("@in", "in_list", "A, list(A) -> bool");
g("@in", "in_map", "K, map(K, V) -> bool");

// Strings.
r("contains", "contains_string", "string, string -> bool");
r("startsWith", "starts_with_string", "string, string -> bool");
r("endsWith", "ends_with_string", "string, string -> bool");
r("matches", "matches_string", "string, string -> bool");
g("matches", "matches", "string, string -> bool");
r("charAt", "string_char_at_int", "string, int -> string");
r("indexOf", "string_index_of_string", "string, string -> int");
r("indexOf", "string_index_of_string_int", "string, string, int -> int");
r("lastIndexOf", "string_last_index_of_string", "string, string -> int");
r("lastIndexOf", "string_last_index_of_string_int", "string, string, int -> int");
r("lowerAscii", "string_lower_ascii", "string -> string");
r("upperAscii", "string_upper_ascii", "string -> string");
r("replace", "string_replace_string_string", "string, string, string -> string");
r("replace", "string_replace_string_string_int", "string, string, string, int -> string");
r("split", "string_split_string", "string, string -> list(string)");
r("split", "string_split_string_int", "string, string, int -> list(string)");
r("substring", "string_substring_int", "string, int -> string");
r("substring", "string_substring_int_int", "string, int, int -> string");
r("trim", "string_trim", "string -> string");
r("reverse", "string_reverse", "string -> string");
r("join", "list_join", "list(string) -> string");
r("join", "list_join_string", "list(string), string -> string");
r("format", "string_format", "string, list(dyn) -> string");
g("strings.quote", "strings_quote", "string -> string");

// Lists.
for (const t of ["int", "uint", "double", "duration"]) r("sum", `list_sum_${t}`, `list(${t}) -> ${t}`);
r("min", "list_min", "list(A) -> A");
r("max", "list_max", "list(A) -> A");

// Conversions.
for (const t of ["int", "uint", "double", "string", "timestamp"]) g("int", `int_from_${t}`, `${t} -> int`);
for (const t of ["int", "uint", "double", "string"]) g("uint", `uint_from_${t}`, `${t} -> uint`);
for (const t of ["int", "uint", "double", "string"]) g("double", `double_from_${t}`, `${t} -> double`);
for (const t of ["int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration", "semver"]) {
  g("string", `string_from_${t}`, `${t} -> string`);
}
g("bytes", "bytes_from_string", "string -> bytes");
g("bytes", "bytes_from_bytes", "bytes -> bytes");
g("bool", "bool_from_bool", "bool -> bool");
g("bool", "bool_from_string", "string -> bool");
g("dyn", "to_dyn", "A -> dyn");
g("type", "type_of", "A -> type(A)");
g("timestamp", "timestamp_from_string", "string -> timestamp");
g("timestamp", "timestamp_from_int", "int -> timestamp");
g("timestamp", "timestamp_from_timestamp", "timestamp -> timestamp");
g("duration", "duration_from_string", "string -> duration");
g("duration", "duration_from_duration", "duration -> duration");
g("now", "now", " -> timestamp");

// Timestamp and duration accessors; timestamps take an optional time zone.
for (const f of ["getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear"]) {
  r(f, `timestamp_${f}`, "timestamp -> int");
  r(f, `timestamp_${f}_tz`, "timestamp, string -> int");
}
for (const f of ["getHours", "getMinutes", "getSeconds", "getMilliseconds"]) {
  r(f, `timestamp_${f}`, "timestamp -> int");
  r(f, `timestamp_${f}_tz`, "timestamp, string -> int");
  r(f, `duration_${f}`, "duration -> int");
}

// Semantic versions.
g("semver", "semver_from_string", "string -> semver");
g("semver", "semver_from_semver", "semver -> semver");
g("isSemver", "is_semver", "string -> bool");
for (const f of ["major", "minor", "patch"]) r(f, `semver_${f}`, "semver -> int");

/** Every built-in overload. */
export const overloads: readonly Overload[] = table;

const byName = new Map<string, Overload[]>();
for (const o of table) byName.set(o.fn, [...(byName.get(o.fn) ?? []), o]);

/** The overloads declared for a function or operator name. */
export function overloadsOf(fn: string): readonly Overload[] {
  return byName.get(fn) ?? [];
}

const sized = new Map<string, readonly Overload[]>();

/**
 * The overloads of a name with this call style and argument count (receiver included); the other style
 * is used when the name has none of this one. Precomputed lazily, since the checker asks on every call.
 */
export function sizedOverloads(fn: string, receiver: boolean, arity: number): readonly Overload[] {
  const key = `${fn}/${receiver}/${arity}`;
  let hit = sized.get(key);
  if (!hit) {
    const all = overloadsOf(fn);
    const styled = all.filter((o) => o.receiver === receiver);
    hit = (styled.length > 0 ? styled : all).filter((o) => o.params.length === arity);
    sized.set(key, hit);
  }
  return hit;
}

const names = [...byName.keys()].filter((n) => /^[a-zA-Z]/.test(n));
const nameSet = new Set(names);

/** Names of global functions (for "did you mean"). */
export function functionNames(): readonly string[] {
  return names;
}

/** True when a built-in function of this name exists. */
export function isBuiltinFunction(name: string): boolean {
  return nameSet.has(name);
}
