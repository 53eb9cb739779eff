// `parseExpr(text)`: the chevrotain lexer and the one reused parser instance, whose rules build the AST as they
// parse; with limits so no input can overflow the stack.
import type { IRecognitionException, IToken } from "chevrotain";
import type { Expr, ExprProblem, ParseResult } from "./ast.js";
import { chevrotain } from "./chevrotain.js";
import { buildGrammar, type CelGrammar } from "./grammar.js";
import { buildTokens, type Tokens } from "./tokens.js";

/** Longest expression text accepted (a guard is a line; this is generous). */
export const MAX_EXPR_LENGTH = 16_384;
/** Deepest nesting of brackets, ternaries and unary operators; the spec asks for at least 32 parentheses. */
export const MAX_NESTING = 96;
/** Deepest AST accepted, so checking and evaluation recursion stay well inside the stack. */
export const MAX_AST_DEPTH = 480;

/** Tokens of one expression, or where the first character no token matches is. */
export type Scanned = { tokens: IToken[]; error?: { offset: number; length: number } };

interface Machinery {
  tokens: Tokens;
  scan: (text: string) => Scanned;
  parser: CelGrammar;
}

let machinery: Machinery | undefined;

/**
 * Lexer and parser, built at the first parse (never at start-up: a command that parses no expression never loads
 * chevrotain). chevrotain's definition checks run only when `validate` is set: the definitions are fixed, and a
 * test builds them with the checks on.
 */
function build(validate: boolean): Machinery {
  const chev = chevrotain();
  const tokens = buildTokens(chev);
  const parser = buildGrammar(chev, tokens, { validate });
  return { tokens, scan: buildScanner(chev, tokens, validate), parser };
}

/** rbx's lexer over its token types (offsets only, start-character hints, checks only when `validate`). */
export function buildScanner(
  chev: ReturnType<typeof chevrotain>,
  tokens: Tokens,
  validate: boolean,
): (text: string) => Scanned {
  const lexer = new chev.Lexer(tokens.all, {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
    skipValidations: !validate,
  });
  return (text: string): Scanned => {
    const r = lexer.tokenize(text);
    const e = r.errors[0];
    return e ? { tokens: r.tokens, error: { offset: e.offset, length: e.length } } : { tokens: r.tokens };
  };
}

function load(): Machinery {
  machinery ??= build(false);
  return machinery;
}

/** Build the lexer and the grammar with all of chevrotain's definition checks; throws when one fails. */
export function validateGrammar(): void {
  build(true);
}

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
  const lexed = lexExpression(text, load);
  if (!("tokens" in lexed)) return lexed;
  const parser = load().parser;
  parser.resetAst();
  parser.input = lexed.tokens;
  let ast: Expr;
  try {
    ast = parser.expr();
  } catch (err) {
    return fail([
      {
        code: "expr-syntax",
        message: `cannot parse the expression: ${String(err)}`,
        start: 0,
        end: text.length,
      },
    ]);
  }
  const first = parser.errors[0];
  if (first) return fail([syntaxProblem(first, text)]);
  if (parser.problems.length > 0) return fail(parser.problems);
  return finished(ast, parser.nextId - 1, text);
}

/**
 * The checks before the grammar runs: the length, what the lexer could not read, nesting, emptiness. The tokens,
 * or the failed result. `lexer` is asked for only when the text is short enough to lex.
 */
export function lexExpression(
  text: string,
  lexer: () => { scan: (text: string) => Scanned; tokens: Tokens },
): { tokens: IToken[] } | ParseResult {
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
  const { scan, tokens } = lexer();
  const lexed = scan(text);
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
  const tooDeep = nestingProblem(lexed.tokens, tokens);
  if (tooDeep) return fail([tooDeep]);
  if (lexed.tokens.length === 0) {
    return fail([
      {
        code: "expr-syntax",
        message: "the expression is empty; write a condition such as x > 0",
        start: 0,
        end: text.length,
      },
    ]);
  }
  return { tokens: lexed.tokens };
}

/** The first error chevrotain's parser recorded, said as rbx says it. */
export function syntaxProblem(e: IRecognitionException, text: string): ExprProblem {
  const tok = e.token;
  const atEnd = tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset);
  const start = atEnd ? text.length : tok.startOffset;
  const end = atEnd ? text.length : (tok.endOffset ?? tok.startOffset) + 1;
  const found = atEnd ? "end of the expression" : `'${tok.image}'`;
  return { code: "expr-syntax", message: `unexpected ${found}; ${hint(e.message)}`, start, end };
}

/** A parsed tree, unless it nests deeper than checking and evaluation may recurse. */
export function finished(ast: Expr, nodeCount: number, text: string): ParseResult {
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

/** Turn chevrotain's expectation message into a short hint about what was expected. */
function hint(message: string): string {
  const m = /Expecting token of type --> (\w+) <--/.exec(message);
  const words: Record<string, string> = {
    RParen: "')'",
    RBracket: "']'",
    RBrace: "'}'",
    Colon: "':'",
    Comma: "','",
    Identifier: "a name",
    EOF: "an operator or the end",
  };
  if (m && words[m[1] as string]) return `expected ${words[m[1] as string]}`;
  if (/EOF/.test(message) && /Expecting: expecting/.test(message))
    return "expected an operator or the end of the expression";
  return "expected an operand (a name, a literal or a parenthesised expression)";
}

function nestingProblem(tokens: IToken[], tk: Tokens): ExprProblem | undefined {
  const nesting = tk.nesting;
  let depth = 0;
  let questions = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as IToken;
    const n = nesting[t.tokenTypeIdx] as number;
    if (n === 0) continue;
    if (n === 2) questions++;
    else depth += n;
    if (depth + questions > MAX_NESTING) {
      return {
        code: "expr-syntax",
        message: `the expression nests deeper than ${MAX_NESTING} levels; split it`,
        start: t.startOffset,
        end: t.startOffset + 1,
      };
    }
  }
  return undefined;
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
