// The expression lexer: CEL's tokens by hand, into parallel arrays (kind, start, end) with no object per token.
// A token is the first of these that matches where the last one ended, in this order: whitespace, `//` comment,
// string or bytes literal, double, uint, int, keyword or identifier (a keyword only when the whole word is one),
// `quoted` name, then operators and punctuation, two-character ones before their one-character prefixes.

/** Token kinds; the ranges group them (literals, names, binary operators) so the parser tests one comparison. */
export const K = {
  EOF: 0,
  // literals
  String: 1,
  Float: 2,
  Uint: 3,
  Int: 4,
  True: 5,
  False: 6,
  Null: 7,
  // names
  Ident: 8,
  QuotedIdent: 9,
  // binary operators (In … Percent); Minus is also a prefix operator
  In: 10,
  LessEq: 11,
  GreaterEq: 12,
  EqEq: 13,
  NotEq: 14,
  Less: 15,
  Greater: 16,
  AndAnd: 17,
  OrOr: 18,
  Plus: 19,
  Minus: 20,
  Star: 21,
  Slash: 22,
  Percent: 23,
  // the rest
  Bang: 24,
  Question: 25,
  Colon: 26,
  Dot: 27,
  Comma: 28,
  LParen: 29,
  RParen: 30,
  LBracket: 31,
  RBracket: 32,
  LBrace: 33,
  RBrace: 34,
} as const;

/** The name of each kind as error hints and tests spell it. */
export const KIND_NAMES = Object.fromEntries(Object.entries(K).map(([name, k]) => [k, name])) as Record<
  number,
  string
>;

export const isLiteral = (k: number): boolean => k >= K.String && k <= K.Null;
export const isBinOp = (k: number): boolean => k >= K.In && k <= K.Percent;

/** The tokens of one expression, or where the first character no token matches is (and how many follow it). */
export interface Lexed {
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
  error?: { offset: number; length: number };
  /** The first token where brackets plus `?` nest deeper than the limit given. */
  tooDeepAt?: number;
}

/**
 * Length of the CEL string or bytes literal at `offset` (optional r/b prefixes, '…', "…", '''…''', """…"""),
 * or -1 when there is none (no quote, or no closing quote; a single-quoted one ends at the line).
 */
export function stringLiteralLength(text: string, offset: number): number {
  let i = offset;
  let raw = false;
  for (let k = 0; k < 2; k++) {
    const c = text.charCodeAt(i);
    if (c === 114 || c === 82) {
      // r R
      if (raw) break;
      raw = true;
      i++;
    } else if (c === 98 || c === 66)
      i++; // b B
    else break;
  }
  const q = text.charCodeAt(i);
  if (q !== 39 && q !== 34) return -1;
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  i += triple ? 3 : 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 && !raw) {
      i += 2;
      continue;
    }
    if (c === q) {
      if (!triple) return i + 1 - offset;
      if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) return i + 3 - offset;
    } else if (!triple && (c === 10 || c === 13)) return -1;
    i++;
  }
  return -1;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

const KEYWORDS = new Map<string, number>([
  ["true", K.True],
  ["false", K.False],
  ["null", K.Null],
  ["in", K.In],
]);

/** The keyword the word text[i, j) is, if it is one (only words of 2 to 5 letters starting t, f, n, i are). */
function keyword(text: string, i: number, j: number): number | undefined {
  const c = text.charCodeAt(i);
  if (j - i < 2 || j - i > 5 || (c !== 116 && c !== 102 && c !== 110 && c !== 105)) return undefined;
  return KEYWORDS.get(text.slice(i, j));
}

/** Digits from `i`; returns where they end. */
function digits(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** An exponent ([eE][+-]?digits) at `i`: where it ends, or -1. */
function exponent(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c !== 101 && c !== 69) return -1;
  let j = i + 1;
  const s = text.charCodeAt(j);
  if (s === 43 || s === 45) j++;
  const end = digits(text, j);
  return end > j ? end : -1;
}

/** A token found: its kind and where it ends, in one number (no array per token). */
const found = (kind: number, end: number): number => end * 64 + kind;

/** A number at `i` (double, then uint, then int, as CEL orders them): its kind and end, or -1 when none. */
function number(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 46) {
    // .5, .5e3
    const end = digits(text, i + 1);
    if (end === i + 1) return -1;
    const e = exponent(text, end);
    return found(K.Float, e < 0 ? end : e);
  }
  if (!isDigit(c)) return -1;
  const intEnd = digits(text, i);
  if (text.charCodeAt(intEnd) === 46 && isDigit(text.charCodeAt(intEnd + 1))) {
    const end = digits(text, intEnd + 1);
    const e = exponent(text, end);
    return found(K.Float, e < 0 ? end : e);
  }
  const e = exponent(text, intEnd);
  if (e >= 0) return found(K.Float, e);
  let end = intEnd;
  if (c === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
    let j = i + 2;
    while (isHex(text.charCodeAt(j))) j++;
    if (j > i + 2) end = j;
  }
  const u = text.charCodeAt(end);
  return u === 117 || u === 85 ? found(K.Uint, end + 1) : found(K.Int, end);
}

/** An operator or punctuation at `i`, two-character ones first: its kind and end, or -1. */
function operator(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 60: // <
      return d === 61 ? found(K.LessEq, i + 2) : found(K.Less, i + 1);
    case 62: // >
      return d === 61 ? found(K.GreaterEq, i + 2) : found(K.Greater, i + 1);
    case 61: // =
      return d === 61 ? found(K.EqEq, i + 2) : -1;
    case 33: // !
      return d === 61 ? found(K.NotEq, i + 2) : found(K.Bang, i + 1);
    case 38: // &
      return d === 38 ? found(K.AndAnd, i + 2) : -1;
    case 124: // |
      return d === 124 ? found(K.OrOr, i + 2) : -1;
    case 43:
      return found(K.Plus, i + 1);
    case 45:
      return found(K.Minus, i + 1);
    case 42:
      return found(K.Star, i + 1);
    case 47:
      return found(K.Slash, i + 1);
    case 37:
      return found(K.Percent, i + 1);
    case 63:
      return found(K.Question, i + 1);
    case 58:
      return found(K.Colon, i + 1);
    case 46:
      return found(K.Dot, i + 1);
    case 44:
      return found(K.Comma, i + 1);
    case 40:
      return found(K.LParen, i + 1);
    case 41:
      return found(K.RParen, i + 1);
    case 91:
      return found(K.LBracket, i + 1);
    case 93:
      return found(K.RBracket, i + 1);
    case 123:
      return found(K.LBrace, i + 1);
    case 125:
      return found(K.RBrace, i + 1);
    default:
      return -1;
  }
}

/** Skipped text (whitespace, a `//` comment) at `i`: where it ends, or `i` when there is none. */
function skipped(text: string, i: number): number {
  let j = i;
  while (isSpace(text.charCodeAt(j))) j++;
  if (j > i) return j;
  if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 47) {
    const nl = text.indexOf("\n", i + 2);
    return nl < 0 ? text.length : nl;
  }
  return i;
}

/** The token at `i`: its kind and end (see `found`), or -1 when no token starts there (skipped text is not one). */
function tokenAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 39 || c === 34 || c === 114 || c === 82 || c === 98 || c === 66) {
    const n = stringLiteralLength(text, i);
    if (n >= 0) return found(K.String, i + n);
  }
  if (isDigit(c) || c === 46) {
    const num = number(text, i);
    if (num !== -1) return num;
  }
  if (isIdentStart(c)) {
    let j = i + 1;
    while (isIdentPart(text.charCodeAt(j))) j++;
    return found(keyword(text, i, j) ?? K.Ident, j);
  }
  if (c === 96) {
    // `quoted name` on one line
    for (let j = i + 1; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 96) return found(K.QuotedIdent, j + 1);
      if (d === 10) break;
    }
    return -1;
  }
  return operator(text, i);
}

/** Whether any token or skipped text starts at `i` (where lexing resumes after characters nothing matches). */
function resumesAt(text: string, i: number): boolean {
  return skipped(text, i) > i || tokenAt(text, i) !== -1;
}

// The token arrays, reused by every lex (allocating typed arrays per expression cost more than lexing it): a
// result is read before the next lex starts, as parsing is synchronous. Grown to the longest text seen.
let kinds = new Uint8Array(256);
let starts = new Int32Array(256);
let ends = new Int32Array(256);

/**
 * Lex `text`; stops at the first character no token matches. `maxNesting` bounds brackets plus `?`. The arrays
 * of the result are overwritten by the next call.
 */
export function lex(text: string, maxNesting: number): Lexed {
  // No more tokens than characters.
  if (kinds.length < text.length) {
    const size = Math.max(text.length, kinds.length * 2);
    kinds = new Uint8Array(size);
    starts = new Int32Array(size);
    ends = new Int32Array(size);
  }
  let count = 0;
  let depth = 0;
  let tooDeepAt: number | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 47) {
      const s = skipped(text, i);
      if (s > i) {
        i = s;
        continue;
      }
    }
    const t = tokenAt(text, i);
    if (t === -1) {
      let j = i + 1;
      while (j < n && !resumesAt(text, j)) j++;
      return { kinds, starts, ends, count, error: { offset: i, length: j - i } };
    }
    const kind = t & 63;
    const end = (t - kind) / 64;
    kinds[count] = kind;
    starts[count] = i;
    ends[count] = end;
    count++;
    if (kind === K.LParen || kind === K.LBracket || kind === K.LBrace || kind === K.Question) depth++;
    else if (kind === K.RParen || kind === K.RBracket || kind === K.RBrace) depth--;
    if (depth > maxNesting && tooDeepAt === undefined) tooDeepAt = i;
    i = end;
  }
  return tooDeepAt === undefined ? { kinds, starts, ends, count } : { kinds, starts, ends, count, tooDeepAt };
}
