// `parseExpr(text)`: the hand-written lexer and recursive-descent parser, with limits so no input can overflow the stack.
import type { Expr, ExprProblem, ParseResult } from "./ast.js";
import { Descent, SyntaxStop } from "./descent.js";
import { lex } from "./lexer.js";

/** Longest expression text accepted (a guard is a line; this is generous). */
export const MAX_EXPR_LENGTH = 16_384;
/** Deepest nesting of brackets, ternaries and unary operators; the spec asks for at least 32 parentheses. */
export const MAX_NESTING = 96;
/** Deepest AST accepted, so checking and evaluation recursion stay well inside the stack. */
export const MAX_AST_DEPTH = 480;

function fail(problems: ExprProblem[]): ParseResult {
  return { ok: false, problems };
}

let cacheSize = 512;
const cache = new Map<string, ParseResult>();

/**
 * Set how many parse results are kept (least recently used first out); 0 turns the cache off.
 * Results are immutable, so the same text parsed again (a guard checked then run, a retry) is free.
 */
export function setParseCacheSize(size: number): void {
  cacheSize = Math.max(0, size);
  cache.clear();
}

/** Parse one expression; offsets in the result are relative to `text`. Never throws. */
export function parseExpr(text: string): ParseResult {
  if (cacheSize === 0) return parseUncached(text);
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const result = parseUncached(text);
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(text, result);
  return result;
}

function parseUncached(text: string): ParseResult {
  if (text.length > MAX_EXPR_LENGTH) {
    return fail([
      {
        code: "expr-syntax",
        message: `the expression is longer than ${MAX_EXPR_LENGTH} characters; split it`,
        start: 0,
        end: 0,
      },
    ]);
  }
  const lexed = lex(text, MAX_NESTING);
  if (lexed.error) {
    const e = lexed.error;
    const ch = text[e.offset] ?? "";
    const message =
      ch === "'" || ch === '"' || /[rRbB]/.test(ch)
        ? "this string literal is not closed; add the closing quote on the same line (or use ''' for several lines)"
        : ch === "`"
          ? "this quoted name is not closed; add the closing backtick"
          : `unexpected character '${ch}'`;
    return fail([{ code: "expr-syntax", message, start: e.offset, end: e.offset + Math.max(1, e.length) }]);
  }
  if (lexed.tooDeepAt !== undefined) {
    return fail([
      {
        code: "expr-syntax",
        message: `the expression nests deeper than ${MAX_NESTING} levels; split it`,
        start: lexed.tooDeepAt,
        end: lexed.tooDeepAt + 1,
      },
    ]);
  }
  if (lexed.count === 0) {
    return fail([
      {
        code: "expr-syntax",
        message: "the expression is empty; write a condition such as x > 0",
        start: 0,
        end: text.length,
      },
    ]);
  }
  const parser = new Descent(text, lexed);
  let ast: Expr;
  try {
    ast = parser.parse();
  } catch (err) {
    if (!(err instanceof SyntaxStop)) {
      return fail([
        {
          code: "expr-syntax",
          message: `cannot parse the expression: ${String(err)}`,
          start: 0,
          end: text.length,
        },
      ]);
    }
    const atEnd = err.token >= lexed.count;
    const start = atEnd ? text.length : (lexed.starts[err.token] as number);
    // The caret marks the first character of the token (the whole token's text is in the message).
    const end = atEnd ? text.length : start + 1;
    const found = atEnd ? "end of the expression" : `'${text.slice(start, lexed.ends[err.token])}'`;
    return fail([{ code: "expr-syntax", message: `unexpected ${found}; ${hint(err.expected)}`, start, end }]);
  }
  if (parser.problems.length > 0) return fail(parser.problems);
  const nodeCount = parser.nextId - 1;
  // A tree of n nodes is at most n deep: small ones need no walk.
  const depth = nodeCount <= MAX_AST_DEPTH ? nodeCount : astDepth(ast);
  if (depth > MAX_AST_DEPTH) {
    return fail([
      {
        code: "expr-syntax",
        message: `the expression nests ${depth} levels deep (limit ${MAX_AST_DEPTH}); split it`,
        start: 0,
        end: text.length,
      },
    ]);
  }
  return { ok: true, ast, nodeCount };
}

/** What was expected where parsing stopped, in words: a closing bracket, a colon, a name, else an operand. */
function hint(expected: string | undefined): string {
  const words: Record<string, string> = {
    RParen: "')'",
    RBracket: "']'",
    RBrace: "'}'",
    Colon: "':'",
    Comma: "','",
    Ident: "a name",
  };
  const w = expected === undefined ? undefined : words[expected];
  return w ? `expected ${w}` : "expected an operand (a name, a literal or a parenthesised expression)";
}

/** Depth of the AST, computed without recursion (two parallel stacks, no tuple or array per node). */
function astDepth(root: Expr): number {
  let max = 0;
  const nodes: Expr[] = [root];
  const depths: number[] = [1];
  const push = (e: Expr, d: number) => {
    nodes.push(e);
    depths.push(d);
  };
  while (nodes.length > 0) {
    const e = nodes.pop() as Expr;
    const d = depths.pop() as number;
    if (d > max) max = d;
    if (d > MAX_AST_DEPTH) return d;
    const c = d + 1;
    switch (e.kind) {
      case "literal":
      case "ident":
        break;
      case "select":
      case "has":
        push(e.operand, c);
        break;
      case "index":
        push(e.operand, c);
        push(e.index, c);
        break;
      case "call":
        if (e.target) push(e.target, c);
        for (const a of e.args) push(a, c);
        break;
      case "list":
        for (const x of e.elems) push(x, c);
        break;
      case "map":
        for (const x of e.entries) {
          push(x.key, c);
          push(x.value, c);
        }
        break;
      case "and":
      case "or":
        push(e.left, c);
        push(e.right, c);
        break;
      case "cond":
        push(e.test, c);
        push(e.then, c);
        push(e.otherwise, c);
        break;
      case "comprehension":
        push(e.range, c);
        if (e.filter) push(e.filter, c);
        push(e.body, c);
        break;
    }
  }
  return max;
}

/** The direct sub-expressions of a node, in source order. */
export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case "literal":
    case "ident":
      return [];
    case "select":
    case "has":
      return [e.operand];
    case "index":
      return [e.operand, e.index];
    case "call":
      return e.target ? [e.target, ...e.args] : e.args;
    case "list":
      return e.elems;
    case "map":
      return e.entries.flatMap((x) => [x.key, x.value]);
    case "and":
    case "or":
      return [e.left, e.right];
    case "cond":
      return [e.test, e.then, e.otherwise];
    case "comprehension":
      return e.filter ? [e.range, e.filter, e.body] : [e.range, e.body];
  }
}
