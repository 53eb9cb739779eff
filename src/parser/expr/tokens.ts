// The expression lexer's tokens: literals, identifiers, keywords (with longer_alt) and operators.
import type { TokenType } from "chevrotain";
import type { ChevrotainModule } from "./chevrotain.js";

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

/** chevrotain's custom pattern for string and bytes literals (see stringLiteralLength). */
export function matchString(text: string, offset: number): RegExpExecArray | null {
  const n = stringLiteralLength(text, offset);
  return n < 0 ? null : ([text.slice(offset, offset + n)] as unknown as RegExpExecArray);
}

const DIGITS = [..."0123456789"];
const LETTERS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];

/**
 * All token types, built once with the loaded chevrotain module. Fixed tokens are strings and every pattern
 * states the characters it can start with, so building the lexer analyses no regular expression (~5 ms of a
 * cold start). A lone space, the usual gap between tokens, is its own one-character token, which chevrotain
 * matches by comparing a character code instead of running the whitespace expression (~10% of lexing).
 * `hints: false` gives the reference the tests lex against: chevrotain's own analysis of every pattern (the
 * custom string pattern keeps its hint) and no lone-space token.
 */
export function buildTokens(chev: ChevrotainModule, { hints = true } = {}) {
  // Without hints chevrotain analyses each regular expression itself: a test lexes a corpus both ways.
  const starts = (chars: string[]) => (hints ? { start_chars_hint: chars } : {});
  const t = chev.createToken;
  // Every literal is one operand alternative, and a member name is either spelling: categories keep the
  // parser's choices few and decidable by one token (the visitor tells the members of a category apart).
  const Literal = t({ name: "Literal", pattern: chev.Lexer.NA });
  const Name = t({ name: "Name", pattern: chev.Lexer.NA });
  const Identifier = t({
    name: "Identifier",
    pattern: /[_a-zA-Z][_a-zA-Z0-9]*/,
    categories: [Name],
    ...starts(["_", ...LETTERS]),
  });
  // Binary operators share one category; the visitor applies CEL precedence (the grammar stays flat and fast).
  const BinOp = t({ name: "BinOp", pattern: chev.Lexer.NA });
  const PrefixOp = t({ name: "PrefixOp", pattern: chev.Lexer.NA });
  const lit = (name: string, word: string) =>
    t({ name, pattern: word, longer_alt: Identifier, categories: [Literal] });
  const RelOp = BinOp;
  const AddOp = BinOp;
  const MulOp = BinOp;
  const space = hints
    ? { Space: t({ name: "Space", pattern: " ", group: chev.Lexer.SKIPPED }) }
    : ({} as Record<string, never>);
  const tokens = {
    ...space,
    WhiteSpace: t({
      name: "WhiteSpace",
      pattern: /[ \t\n\r\f]+/,
      group: chev.Lexer.SKIPPED,
      ...starts([" ", "\t", "\n", "\r", "\f"]),
    }),
    Comment: t({
      name: "Comment",
      pattern: /\/\/[^\n]*/,
      group: chev.Lexer.SKIPPED,
      ...starts(["/"]),
    }),
    StringLit: t({
      name: "StringLit",
      pattern: { exec: matchString },
      line_breaks: true,
      categories: [Literal],
      start_chars_hint: ["'", '"', "r", "R", "b", "B"],
    }),
    FloatLit: t({
      name: "FloatLit",
      pattern: /(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)/,
      categories: [Literal],
      ...starts([".", ...DIGITS]),
    }),
    UintLit: t({
      name: "UintLit",
      pattern: /(?:0[xX][0-9a-fA-F]+|\d+)[uU]/,
      categories: [Literal],
      ...starts(DIGITS),
    }),
    IntLit: t({
      name: "IntLit",
      pattern: /0[xX][0-9a-fA-F]+|\d+/,
      categories: [Literal],
      ...starts(DIGITS),
    }),
    True: lit("True", "true"),
    False: lit("False", "false"),
    Null: lit("Null", "null"),
    In: t({ name: "In", pattern: "in", longer_alt: Identifier, categories: [RelOp] }),
    Identifier,
    QuotedIdent: t({
      name: "QuotedIdent",
      pattern: /`[^`\n]*`/,
      categories: [Name],
      ...starts(["`"]),
    }),
    LessEq: t({ name: "LessEq", pattern: "<=", categories: [RelOp] }),
    GreaterEq: t({ name: "GreaterEq", pattern: ">=", categories: [RelOp] }),
    EqEq: t({ name: "EqEq", pattern: "==", categories: [RelOp] }),
    NotEq: t({ name: "NotEq", pattern: "!=", categories: [RelOp] }),
    Less: t({ name: "Less", pattern: "<", categories: [RelOp] }),
    Greater: t({ name: "Greater", pattern: ">", categories: [RelOp] }),
    AndAnd: t({ name: "AndAnd", pattern: "&&", categories: [BinOp] }),
    OrOr: t({ name: "OrOr", pattern: "||", categories: [BinOp] }),
    Bang: t({ name: "Bang", pattern: "!", categories: [PrefixOp] }),
    Plus: t({ name: "Plus", pattern: "+", categories: [AddOp] }),
    Minus: t({ name: "Minus", pattern: "-", categories: [AddOp, PrefixOp] }),
    Star: t({ name: "Star", pattern: "*", categories: [MulOp] }),
    Slash: t({ name: "Slash", pattern: "/", categories: [MulOp] }),
    Percent: t({ name: "Percent", pattern: "%", categories: [MulOp] }),
    Question: t({ name: "Question", pattern: "?" }),
    Colon: t({ name: "Colon", pattern: ":" }),
    Dot: t({ name: "Dot", pattern: "." }),
    Comma: t({ name: "Comma", pattern: "," }),
    LParen: t({ name: "LParen", pattern: "(" }),
    RParen: t({ name: "RParen", pattern: ")" }),
    LBracket: t({ name: "LBracket", pattern: "[" }),
    RBracket: t({ name: "RBracket", pattern: "]" }),
    LBrace: t({ name: "LBrace", pattern: "{" }),
    RBrace: t({ name: "RBrace", pattern: "}" }),
  };
  const all: TokenType[] = [...Object.values(tokens), BinOp, PrefixOp, Literal, Name];
  // What each token type does to the nesting depth, by token type index: 1 opens, -1 closes, 2 is a `?`.
  const nesting = new Int8Array(Math.max(...all.map((x) => x.tokenTypeIdx as number)) + 1);
  for (const x of [tokens.LParen, tokens.LBracket, tokens.LBrace]) nesting[x.tokenTypeIdx as number] = 1;
  for (const x of [tokens.RParen, tokens.RBracket, tokens.RBrace]) nesting[x.tokenTypeIdx as number] = -1;
  nesting[tokens.Question.tokenTypeIdx as number] = 2;
  return { ...tokens, BinOp, PrefixOp, Literal, Name, all, nesting };
}

/** The token set the grammar and visitor share. */
export type Tokens = ReturnType<typeof buildTokens>;
