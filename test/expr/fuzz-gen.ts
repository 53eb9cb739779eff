// A seeded generator of CEL expressions for the fuzz test: grammar-driven trees, mutations and noise.

/** Mulberry32: a small deterministic PRNG, so a failing input can be reproduced from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = [
  "0",
  "1",
  "-1",
  "42",
  "9223372036854775807",
  "-9223372036854775808",
  "0x7f",
  "1u",
  "18446744073709551615u",
  "1.5",
  "-0.0",
  "1e308",
  "'a'",
  '"bc"',
  "'''x\ny'''",
  "r'\\d+'",
  "b'\\xff'",
  "true",
  "false",
  "null",
  "x",
  "y",
  "s",
  "l",
  "m",
  "d",
  "t",
  "steps.a.output.status",
  "params.v",
  "[]",
  "{}",
  "[1, 2, 3]",
  "{'k': 1}",
  "duration('1h')",
  "timestamp('2024-01-01T00:00:00Z')",
  "semver('1.2.3')",
  "int",
  "type(1)",
];
const BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "in"];
const UNARY = ["!", "-"];
const METHODS = [
  "size()",
  "contains('a')",
  "startsWith('a')",
  "endsWith('')",
  "matches('a+')",
  "lowerAscii()",
  "upperAscii()",
  "trim()",
  "split(',')",
  "substring(1)",
  "charAt(0)",
  "indexOf('a')",
  "replace('a', 'b')",
  "join('-')",
  "sum()",
  "min()",
  "max()",
  "getHours()",
  "getDayOfWeek('Europe/Berlin')",
  "major()",
  "format([1])",
  "reverse()",
];
const MACROS = [
  "all(v, v > 0)",
  "exists(v, v == 1)",
  "exists_one(v, true)",
  "map(v, v * 2)",
  "map(v, v > 1, v)",
  "filter(v, v != 0)",
  "map(v, [v, v].map(w, w))",
];
const FUNCS = [
  "size",
  "int",
  "uint",
  "double",
  "string",
  "bytes",
  "bool",
  "dyn",
  "type",
  "duration",
  "timestamp",
  "semver",
  "matches",
  "has",
];

/** A random expression tree up to `depth`. */
export function genExpr(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  if (depth <= 0 || r() < 0.25) return pick(ATOMS);
  const sub = () => genExpr(r, depth - 1);
  switch (Math.floor(r() * 9)) {
    case 0:
    case 1:
      return `${sub()} ${pick(BINARY)} ${sub()}`;
    case 2:
      return `${pick(UNARY)}${sub()}`;
    case 3:
      return `(${sub()}).${pick(METHODS)}`;
    case 4:
      return `${pick(["l", "[1, 2, 3]", "m", "{'a': 1, 'b': 2}", "[x, y]"])}.${pick(MACROS)}`;
    case 5:
      return `${pick(FUNCS)}(${sub()})`;
    case 6:
      return `${sub()} ? ${sub()} : ${sub()}`;
    case 7:
      return `[${sub()}, ${sub()}]${r() < 0.5 ? `[${sub()}]` : ""}`;
    default:
      return `{${sub()}: ${sub()}}.${pick(["a", "k", "`a.b`"])}`;
  }
}

const NOISE = "()[]{}.,:?!-+*/%<>=&|'\"`\\ \n\tabcxyz019_$u";

/** A mutation of a valid expression: characters deleted, inserted, swapped or a slice duplicated. */
export function mutate(r: () => number, s: string): string {
  let out = s;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * (out.length + 1));
    const c = NOISE[Math.floor(r() * NOISE.length)] as string;
    switch (Math.floor(r() * 4)) {
      case 0:
        out = out.slice(0, i) + out.slice(i + 1);
        break;
      case 1:
        out = out.slice(0, i) + c + out.slice(i);
        break;
      case 2:
        out = out.slice(0, i) + c + out.slice(i + 1);
        break;
      default:
        out = out.slice(0, i) + out.slice(i, i + 8) + out.slice(i);
    }
  }
  return out;
}

/** Random characters (including non-ASCII and lone surrogates). */
export function noise(r: () => number): string {
  const len = Math.floor(r() * 40);
  let s = "";
  for (let i = 0; i < len; i++)
    s +=
      r() < 0.9
        ? (NOISE[Math.floor(r() * NOISE.length)] as string)
        : String.fromCharCode(Math.floor(r() * 0xffff));
  return s;
}

/** Pathological shapes: deep nesting, long operator chains, huge iteration. */
export function extreme(r: () => number): string {
  const n = 10 + Math.floor(r() * 3000);
  switch (Math.floor(r() * 6)) {
    case 0:
      return `${"(".repeat(n)}1${")".repeat(n)}`;
    case 1:
      return `${"!".repeat(n)}true`;
    case 2:
      return Array(Math.min(n, 2000)).fill("1").join(" + ");
    case 3:
      return `${"[".repeat(n)}${"]".repeat(n)}`;
    case 4:
      return "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, a+b+c+d))))";
    default:
      return `'${"a".repeat(n)}'.matches('(a+)+$') && '${"x".repeat(n)}'.replace('', 'yy').size() > 0`;
  }
}
