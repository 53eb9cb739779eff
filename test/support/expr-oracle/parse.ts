// The reference parser: the CstParser grammar and CST visitor rbx parsed expressions with before its grammar built
// the AST in its own rules (src/parser/expr/grammar.ts), kept for tests only, which check the parser gives the same
// result on every input (the AST, node ids and every syntax message). It lexes with rbx's own tokens.
import type { Expr, ExprProblem, ParseResult } from "../../../src/parser/expr/ast.js";
import { chevrotain } from "../../../src/parser/expr/chevrotain.js";
// The wrapper around the grammar (hints, nesting and depth limits) is src's own: only the grammar is the reference.
import {
  buildScanner,
  finished,
  lexExpression,
  type Scanned,
  syntaxProblem,
} from "../../../src/parser/expr/parse.js";
import { buildTokens, type Tokens } from "../../../src/parser/expr/tokens.js";
import { buildGrammar, type CelGrammar } from "./grammar.js";
import { buildVisitor } from "./visitor.js";

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
  return { tokens, scan: buildScanner(chev, tokens, validate), parser, visitor };
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
  const lexed = lexExpression(text, load);
  if (!("tokens" in lexed)) return lexed;
  const m = load();
  m.parser.input = lexed.tokens;
  const cst = m.parser.expr();
  const first = m.parser.errors[0];
  if (first) return fail([syntaxProblem(first, text)]);
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
  return finished(ast, m.visitor.nextId - 1, text);
}
