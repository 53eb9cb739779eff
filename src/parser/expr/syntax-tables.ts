// The CEL language tables the visitor looks up: reserved words, comprehension macros, operator precedence.
import type { ComprehensionMacro } from "./ast.js";

/** Words CEL reserves: refused as identifiers and function names (allowed as field names). */
export const RESERVED = new Set([
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** The comprehension macros by method name, with the argument counts each accepts. */
export const COMPREHENSIONS: Record<string, { macro: ComprehensionMacro; arities: number[] }> = {
  all: { macro: "all", arities: [2, 3] },
  exists: { macro: "exists", arities: [2, 3] },
  exists_one: { macro: "exists_one", arities: [2, 3] },
  existsOne: { macro: "exists_one", arities: [2, 3] },
  map: { macro: "map", arities: [2, 3] },
  filter: { macro: "filter", arities: [2] },
};

/** Binding strength of each binary operator token (higher binds tighter). */
export const PRECEDENCE: Record<string, number> = {
  OrOr: 1,
  AndAnd: 2,
  Less: 3,
  LessEq: 3,
  Greater: 3,
  GreaterEq: 3,
  EqEq: 3,
  NotEq: 3,
  In: 3,
  Plus: 4,
  Minus: 4,
  Star: 5,
  Slash: 5,
  Percent: 5,
};

/** The CEL function each binary operator token stands for. */
export const REL_FN: Record<string, string> = {
  Less: "_<_",
  LessEq: "_<=_",
  Greater: "_>_",
  GreaterEq: "_>=_",
  EqEq: "_==_",
  NotEq: "_!=_",
  In: "@in",
  Plus: "_+_",
  Minus: "_-_",
  Star: "_*_",
  Slash: "_/_",
  Percent: "_%_",
};
