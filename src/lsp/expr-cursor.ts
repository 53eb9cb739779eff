// Where the cursor is inside an expression: the site and `${{ }}` piece it falls in, and what is being typed —
// a name, or a member after `x.` whose operand the checker types (comprehension variables included).
import { analyze } from "../check/analyze.js";
import type { TypeEnv } from "../check/type-env.js";
import { type CelType, T } from "../contract/cel-types.js";
import { decodedIndex } from "./positions.js";
import { type Piece, piecesOf, type Site, siteAt } from "./sites.js";

/** The cursor inside one expression of a site. */
export interface ExprCursor {
  site: Site;
  piece: Piece;
  /** Index of the cursor in the site's decoded text. */
  index: number;
  /** The expression's text from its start up to the cursor. */
  before: string;
}

/** What is being typed at the cursor: a member of a typed operand, or a name. */
export type Typing =
  | { kind: "member"; operand: string; type: CelType | undefined; env: TypeEnv; prefix: string }
  | { kind: "name"; prefix: string; locals: Map<string, CelType> };

const IDENT = /[A-Za-z0-9_]/;
const MACROS = "all|exists|exists_one|map|filter";

/** The expression under a file offset, if the offset is inside one (never inside the text of a template). */
export function exprCursorAt(sites: readonly Site[], offset: number): ExprCursor | undefined {
  const site = siteAt(sites, offset);
  if (!site) return undefined;
  const index = decodedIndex(site.text, offset);
  if (index === undefined) return undefined;
  const piece = piecesOf(site).find((p) => index >= p.start && index <= p.end);
  if (!piece) return undefined;
  return { site, piece, index, before: site.text.text.slice(piece.start, index) };
}

/** True when `text` ends inside a string literal (quotes not closed, escapes skipped). */
function inString(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote !== undefined;
}

/** Index of the bracket that opens the one closing at `close`, scanning back; -1 when unbalanced. */
function opening(text: string, close: number): number {
  const pairs: Record<string, string> = { ")": "(", "]": "[" };
  const stack: string[] = [];
  for (let i = close; i >= 0; i--) {
    const c = text[i] as string;
    if (c === ")" || c === "]") stack.push(pairs[c] as string);
    else if (c === "(" || c === "[") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Where the member chain ending just before `dot` starts: `a.b[0].c()` is one chain. */
export function chainStart(text: string, dot: number): number {
  let i = dot;
  for (let guard = 0; guard < text.length + 1; guard++) {
    let j = i;
    while (j > 0 && IDENT.test(text[j - 1] as string)) j--;
    if (j === i && (text[i - 1] === ")" || text[i - 1] === "]")) {
      const open = opening(text, i - 1);
      if (open < 0) return i;
      i = open;
      continue;
    }
    i = j;
    if (text[i - 1] !== ".") break;
    i--;
  }
  return i;
}

/**
 * Comprehension variables in scope at the end of `before` (`output.rows.exists(r, r.` binds `r`), typed from the
 * range the macro runs over: element of a list, key (and value) of a map.
 */
function locals(before: string, env: TypeEnv): Map<string, CelType> {
  const out = new Map<string, CelType>();
  const re = new RegExp(`\\.(${MACROS})\\(\\s*([A-Za-z_]\\w*)\\s*(?:,\\s*([A-Za-z_]\\w*)\\s*)?,`, "g");
  for (const m of before.matchAll(re)) {
    const open = (m.index as number) + (m[0] as string).indexOf("(");
    // Only a macro whose parentheses are still open at the cursor has its variables in scope.
    let depth = 0;
    for (const c of before.slice(open)) depth += c === "(" ? 1 : c === ")" ? -1 : 0;
    if (depth <= 0) continue;
    const range = before.slice(chainStart(before, m.index as number), m.index as number);
    const t = typeOf(range, env, out);
    const [first, second] = [m[2] as string, m[3]];
    if (t?.kind === "list") {
      if (second) {
        out.set(first, T.int);
        out.set(second, t.elem);
      } else out.set(first, t.elem);
    } else if (t?.kind === "map") {
      out.set(first, t.key);
      if (second) out.set(second, t.value);
    } else {
      out.set(first, T.dyn);
      if (second) out.set(second, T.dyn);
    }
  }
  return out;
}

/** The checker's type of an operand's text, with comprehension variables declared; undefined when it fails. */
function typeOf(text: string, env: TypeEnv, vars: ReadonlyMap<string, CelType>): CelType | undefined {
  if (text.trim() === "") return undefined;
  const scoped: TypeEnv =
    vars.size === 0 ? env : { ...env, variables: { ...env.variables, ...Object.fromEntries(vars) } };
  const r = analyze(text, scoped);
  return r.ok ? (r.checked?.type ?? T.dyn) : undefined;
}

/** What the text before the cursor is typing, or undefined inside a string literal or after a non-name. */
export function typingAt(before: string, env: TypeEnv): Typing | undefined {
  if (inString(before)) return undefined;
  let start = before.length;
  while (start > 0 && IDENT.test(before[start - 1] as string)) start--;
  const prefix = before.slice(start);
  if (/^[0-9]/.test(prefix)) return undefined;
  const vars = locals(before, env);
  if (before[start - 1] === ".") {
    const from = chainStart(before, start - 1);
    const operand = before.slice(from, start - 1).trim();
    if (operand === "" || /^[0-9]/.test(operand)) return undefined;
    const scoped: TypeEnv =
      vars.size === 0 ? env : { ...env, variables: { ...env.variables, ...Object.fromEntries(vars) } };
    return { kind: "member", operand, type: typeOf(operand, env, vars), env: scoped, prefix };
  }
  return { kind: "name", prefix, locals: vars };
}
