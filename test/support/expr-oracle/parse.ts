// The reference parser: the CstParser grammar and CST visitor rbx parsed expressions with before its grammar built
// the AST in its own rules (src/parser/expr/grammar.ts), kept for tests only, which check the parser gives the same
// result on every input (the AST, node ids and every syntax message). It lexes with rbx's own tokens.
import type { IToken } from "chevrotain";
import type { Expr, ExprProblem, ParseResult } from "../../../src/parser/expr/ast.js";
import { chevrotain } from "../../../src/parser/expr/chevrotain.js";
// The wrapper around the grammar (hints, nesting and depth limits) is src's own: only the grammar is the reference.
import {
  astDepth,
  hint,
  MAX_AST_DEPTH,
  MAX_EXPR_LENGTH,
  nestingProblem,
} from "../../../src/parser/expr/parse.js";
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
