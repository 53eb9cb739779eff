// Decoding of literal tokens: numbers with range checks, strings and bytes with every CEL escape.
import { CelUint, INT64_MAX, UINT64_MAX } from "../../contract/cel-values.js";

/** A decoded literal, or a problem at an offset relative to the token start. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string; at: number; length: number };

const SIMPLE: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 92,
  "?": 63,
  '"': 34,
  "'": 39,
  "`": 96,
};

const HEX = /^[0-9a-fA-F]+$/;

/** Decode a string or bytes literal token (`'a'`, `r"\d"`, `b'\xff'`, `'''multi'''`). */
export function decodeQuoted(token: string): Decoded<string | Uint8Array> {
  let i = 0;
  let raw = false;
  let bytes = false;
  // The prefixes (r, b in either case) by character code: no one-character strings, no quote string built.
  let q = token.charCodeAt(0);
  while (q !== 39 && q !== 34) {
    if (q === 114 || q === 82) raw = true;
    else bytes = true;
    q = token.charCodeAt(++i);
  }
  const triple = token.charCodeAt(i + 1) === q && token.charCodeAt(i + 2) === q;
  const qlen = triple ? 3 : 1;
  const bodyStart = i + qlen;
  const body = token.slice(bodyStart, token.length - qlen);
  // Nothing to decode: a raw string, or one without escapes, is its body (code points copied unchanged).
  if (!bytes && (raw || !body.includes("\\"))) return { ok: true, value: body };
  const out: number[] = [];
  const fail = (message: string, at: number, length: number): Decoded<never> => ({
    ok: false,
    message,
    at: bodyStart + at,
    length,
  });
  const pushChar = (cp: number) => {
    if (!bytes) out.push(cp);
    else for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) out.push(b);
  };
  for (let k = 0; k < body.length; ) {
    const cp = body.codePointAt(k) as number;
    if (raw || cp !== 92) {
      pushChar(cp);
      k += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[k + 1] ?? "";
    if (e in SIMPLE) {
      out.push(SIMPLE[e] as number);
      k += 2;
      continue;
    }
    let digits = "";
    let len = 0;
    if (e === "x" || e === "X") len = 2;
    else if (e === "u" && !bytes) len = 4;
    else if (e === "U" && !bytes) len = 8;
    if (len > 0) {
      digits = body.slice(k + 2, k + 2 + len);
      if (digits.length !== len || !HEX.test(digits)) {
        return fail(`the escape \\${e} needs ${len} hexadecimal digits`, k, 2 + digits.length);
      }
      const v = Number.parseInt(digits, 16);
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return fail(`\\${e}${digits} is not a valid Unicode code point`, k, 2 + len);
      }
      if (bytes && len === 2) out.push(v);
      else pushChar(v);
      k += 2 + len;
      continue;
    }
    if (e >= "0" && e <= "3") {
      digits = body.slice(k + 1, k + 4);
      if (!/^[0-3][0-7][0-7]$/.test(digits))
        return fail("an octal escape needs three digits, \\000 to \\377", k, 4);
      const v = Number.parseInt(digits, 8);
      if (bytes) out.push(v);
      else pushChar(v);
      k += 4;
      continue;
    }
    return fail(`unknown escape \\${e}; use \\\\ for a backslash`, k, 2);
  }
  if (bytes) return { ok: true, value: Uint8Array.from(out) };
  let s = "";
  for (let j = 0; j < out.length; j += 4096) s += String.fromCodePoint(...out.slice(j, j + 4096));
  return { ok: true, value: s };
}

/** The small ints, made once (each literal of one would otherwise allocate its own). */
const SMALL_INTS: readonly bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** Decode an int literal (decimal or hex); `negated` lets -9223372036854775808 through. */
export function decodeInt(token: string, negated: boolean): Decoded<bigint> {
  // Up to 15 characters (15 decimal digits, or 0x and 13 hex digits) the value is below 2^53: Number reads it
  // exactly (both spellings) and faster than BigInt reads text, and it is within range.
  if (token.length <= 15) {
    const n = Number(token);
    return {
      ok: true,
      value: negated ? BigInt(-n) : n < SMALL_INTS.length ? (SMALL_INTS[n] as bigint) : BigInt(n),
    };
  }
  const v = BigInt(token);
  const limit = negated ? INT64_MAX + 1n : INT64_MAX;
  if (v > limit)
    return {
      ok: false,
      message: `the int literal ${token} is out of the int64 range`,
      at: 0,
      length: token.length,
    };
  return { ok: true, value: negated ? -v : v };
}

/** Decode a uint literal (`12u`, `0xFFu`). */
export function decodeUint(token: string): Decoded<CelUint> {
  const v = BigInt(token.slice(0, -1));
  if (v > UINT64_MAX) {
    return {
      ok: false,
      message: `the uint literal ${token} is out of the uint64 range`,
      at: 0,
      length: token.length,
    };
  }
  return { ok: true, value: new CelUint(v) };
}
