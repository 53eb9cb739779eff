// The reference parser: the CstParser grammar and CST visitor rbx parsed expressions with before its grammar built
// the AST in its own rules (src/parser/expr/grammar.ts), kept for tests only, which check the parser gives the same
// result on every input (the AST, node ids and every syntax message). It lexes with rbx's own tokens.
import type { IToken } from "chevrotain";
import type { Expr, ExprProblem, ParseResult } from "../../../src/parser/expr/ast.js";
import { chevrotain } from "../../../src/parser/expr/chevrotain.js";
import { MAX_AST_DEPTH, MAX_EXPR_LENGTH, MAX_NESTING } from "../../../src/parser/expr/parse.js";
import { buildTokens, type Tokens } from "../../../src/parser/expr/tokens.js";
import { buildGrammar, type CelGrammar } from "./grammar.js";
import { buildVisitor } from "./visitor.js";

/** Tokens of one expression, or where the first character no token matches is. */
type Scanned = { tokens: IToken[]; error?: { offset: number; length: number } };

interface Machinery {
  tokens: Tokens;
  scan: (text: string) => Scanned;
  parser: CelGrammar;
  visitor: ReturnType<typeof buildVisitor>;
}

let machinery: Machinery | undefined;

/**
 * Lexer, parser and visitor. chevrotain's definition checks (~10 ms of every cold start) run only when
 * `validate` is set: the definitions are fixed, and a test builds them with the checks on.
 */
function build(validate: boolean): Machinery {
  const chev = chevrotain();
  const tokens = buildTokens(chev);
  const parser = buildGrammar(chev, tokens, { validate });
  const visitor = buildVisitor(parser, tokens);
  const lexer = new chev.Lexer(tokens.all, {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
    skipValidations: !validate,
  });
  const scan = (text: string): Scanned => {
    const r = lexer.tokenize(text);
    const e = r.errors[0];
    return e ? { tokens: r.tokens, error: { offset: e.offset, length: e.length } } : { tokens: r.tokens };
  };
  return { tokens, scan, parser, visitor };
}

function load(): Machinery {
  machinery ??= build(false);
  return machinery;
}

/** Build the lexer, the grammar and the visitor with all of chevrotain's definition checks; throws when one fails. */
export function validateOracleGrammar(): void {
  build(true);
}

function fail(problems: ExprProblem[]): ParseResult {
  return { ok: false, problems };
}

/** Parse one expression exactly as rbx did with chevrotain. */
export function oracleParse(text: string): ParseResult {
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
  const m = load();
  const lexed = m.scan(text);
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
  const tooDeep = nestingProblem(lexed.tokens, m.tokens);
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
  m.parser.input = lexed.tokens;
  const cst = m.parser.expr();
  if (m.parser.errors.length > 0) {
    const e = m.parser.errors[0]!;
    const tok = e.token;
    const atEnd = tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset);
    const start = atEnd ? text.length : tok.startOffset;
    const end = atEnd ? text.length : (tok.endOffset ?? tok.startOffset) + 1;
    const found = atEnd ? "end of the expression" : `'${tok.image}'`;
    return fail([{ code: "expr-syntax", message: `unexpected ${found}; ${hint(e.message)}`, start, end }]);
  }
  m.visitor.reset();
  let ast: Expr;
  try {
    ast = m.visitor.visit(cst) as Expr;
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
  if (m.visitor.problems.length > 0) return fail(m.visitor.problems);
  const nodeCount = m.visitor.nextId - 1;
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
  let depth = 0;
  let questions = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === tk.LParen || type === tk.LBracket || type === tk.LBrace) depth++;
    else if (type === tk.RParen || type === tk.RBracket || type === tk.RBrace) depth--;
    else if (type === tk.Question) questions++;
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
