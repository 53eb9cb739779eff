// String functions, indexed by Unicode code point as CEL requires, and `matches` with RE2 (linear time).
import { RE2JS } from "re2js";
import { CelError, type CelValue, errors } from "../../contract/cel-values.js";
import { MAX_CONCAT } from "./arith.js";
import type { ImplTable } from "./impl.js";

const SURROGATE = /[\uD800-\uDFFF]/;

/** The code points of a string, or undefined when every code point is one UTF-16 unit (the fast path). */
function points(s: string): string[] | undefined {
  return SURROGATE.test(s) ? Array.from(s) : undefined;
}

/** Number of code points. */
export function codePointLength(s: string): number {
  const p = points(s);
  return p ? p.length : s.length;
}

const regexCache = new Map<string, RE2JS | CelError>();

/** Compile (and cache) an RE2 pattern; a syntax error becomes an error value. */
export function compileRegex(pattern: string): RE2JS | CelError {
  let re = regexCache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    re = new CelError(`invalid regular expression '${pattern}': ${(err as Error).message}`);
  }
  if (regexCache.size > 256) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

function matches(s: string, pattern: string) {
  const re = compileRegex(pattern);
  return re instanceof CelError ? re : re.test(s);
}

const WS =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function indexOf(s: string, sub: string, start: bigint): CelValue | CelError {
  const p = points(s);
  const len = p ? p.length : s.length;
  if (start < 0n || start > BigInt(len)) return errors.indexOutOfRange(start, len);
  if (!p) return BigInt(s.indexOf(sub, Number(start)));
  const prefix = p.slice(0, Number(start)).join("").length;
  const at = s.indexOf(sub, prefix);
  return at < 0 ? -1n : BigInt(codePointLength(s.slice(0, at)));
}

function lastIndexOf(s: string, sub: string, start: bigint | undefined): CelValue | CelError {
  const p = points(s);
  const len = p ? p.length : s.length;
  const from = start ?? BigInt(len);
  if (from < 0n || from > BigInt(len)) return errors.indexOutOfRange(from, len);
  if (!p) return BigInt(s.lastIndexOf(sub, Number(from)));
  const prefix = p.slice(0, Number(from)).join("").length;
  const at = s.lastIndexOf(sub, prefix);
  return at < 0 ? -1n : BigInt(codePointLength(s.slice(0, at)));
}

function substring(s: string, from: bigint, to: bigint | undefined): CelValue | CelError {
  const p = points(s) ?? s;
  const len = BigInt(p.length);
  const end = to ?? len;
  if (from < 0n || from > len) return errors.indexOutOfRange(from, p.length);
  if (end < from || end > len) return errors.indexOutOfRange(end, p.length);
  return typeof p === "string"
    ? p.slice(Number(from), Number(end))
    : p.slice(Number(from), Number(end)).join("");
}

function replace(s: string, old: string, by: string, n: bigint): CelValue | CelError {
  let out = "";
  let count = 0n;
  const more = () => n < 0n || count < n;
  if (old === "") {
    const p = Array.from(s);
    for (let i = 0; i <= p.length; i++) {
      if (more()) {
        out += by;
        count++;
      }
      if (i < p.length) out += p[i];
      if (out.length > MAX_CONCAT) return errors.range("string size");
    }
    return out;
  }
  let i = 0;
  while (more()) {
    const j = s.indexOf(old, i);
    if (j < 0) break;
    out += s.slice(i, j) + by;
    i = j + old.length;
    count++;
    if (out.length > MAX_CONCAT) return errors.range("string size");
  }
  return out + s.slice(i);
}

function join(parts: readonly CelValue[], sep: string): CelValue | CelError {
  let size = 0;
  for (const p of parts) {
    if (typeof p !== "string") return errors.noOverload("join", parts, p);
    size += p.length + sep.length;
  }
  return size > MAX_CONCAT ? errors.range("string size") : parts.join(sep);
}

function split(s: string, sep: string, n: bigint): CelValue {
  if (n === 0n) return [];
  const all = sep === "" ? Array.from(s) : s.split(sep);
  if (n < 0n || BigInt(all.length) <= n) return all;
  const k = Number(n);
  return [...all.slice(0, k - 1), all.slice(k - 1).join(sep)];
}

export const strings: ImplTable = {
  size_string: (s: string) => BigInt(codePointLength(s)),
  string_size: (s: string) => BigInt(codePointLength(s)),
  size_bytes: (b: Uint8Array) => BigInt(b.length),
  bytes_size: (b: Uint8Array) => BigInt(b.length),
  contains_string: (s: string, t: string) => s.includes(t),
  starts_with_string: (s: string, t: string) => s.startsWith(t),
  ends_with_string: (s: string, t: string) => s.endsWith(t),
  matches_string: matches,
  matches,
  string_char_at_int: (s: string, i: bigint) => {
    const p = points(s) ?? s;
    if (i < 0n || i > BigInt(p.length)) return errors.indexOutOfRange(i, p.length);
    return p[Number(i)] ?? "";
  },
  string_index_of_string: (s: string, t: string) => indexOf(s, t, 0n),
  string_index_of_string_int: indexOf,
  string_last_index_of_string: (s: string, t: string) => lastIndexOf(s, t, undefined),
  string_last_index_of_string_int: lastIndexOf,
  string_lower_ascii: (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase()),
  string_upper_ascii: (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase()),
  string_replace_string_string: (s: string, a: string, b: string) => replace(s, a, b, -1n),
  string_replace_string_string_int: replace,
  string_split_string: (s: string, sep: string) => split(s, sep, -1n),
  string_split_string_int: split,
  string_substring_int: (s: string, i: bigint) => substring(s, i, undefined),
  string_substring_int_int: substring,
  string_trim: (s: string) => s.replace(WS, ""),
  string_reverse: (s: string) => Array.from(s).reverse().join(""),
  list_join: (l: CelValue[]) => join(l, ""),
  list_join_string: join,
};
