// The expression AST the visitor builds: plain data with offsets into the expression text, ids for type tables.
import type { CelUint } from "../../contract/cel-values.js";

/** A literal's value: int as bigint, uint as CelUint, double as number, bytes as Uint8Array. */
export type LiteralValue = null | boolean | bigint | number | string | Uint8Array | CelUint;

interface Base {
  /** Unique within one parse; the checker keys its type table by it. */
  id: number;
  /** Offsets into the expression text, [start, end). */
  start: number;
  end: number;
}

export interface LiteralExpr extends Base {
  kind: "literal";
  value: LiteralValue;
}
/** A name; `absolute` when written with a leading dot (`.x`), which skips container resolution. */
export interface IdentExpr extends Base {
  kind: "ident";
  name: string;
  absolute: boolean;
}
export interface SelectExpr extends Base {
  kind: "select";
  operand: Expr;
  field: string;
  /** Where the field name starts (for "unknown field" carets). */
  fieldStart: number;
}
export interface IndexExpr extends Base {
  kind: "index";
  operand: Expr;
  index: Expr;
}
/** A global (`size(x)`) or receiver-style (`x.size()`) call; operators are calls named `_+_`, `!_`, `-_`. */
export interface CallExpr extends Base {
  kind: "call";
  fn: string;
  target?: Expr;
  args: Expr[];
  /** Where the function name is written. */
  fnStart: number;
}
export interface ListExpr extends Base {
  kind: "list";
  elems: Expr[];
}
export interface MapEntryExpr {
  key: Expr;
  value: Expr;
}
export interface MapExpr extends Base {
  kind: "map";
  entries: MapEntryExpr[];
}
export interface AndOrExpr extends Base {
  kind: "and" | "or";
  left: Expr;
  right: Expr;
}
export interface ConditionalExpr extends Base {
  kind: "cond";
  test: Expr;
  then: Expr;
  otherwise: Expr;
}
/** `has(x.f)`: presence test of a field or map key. */
export interface HasExpr extends Base {
  kind: "has";
  operand: Expr;
  field: string;
  fieldStart: number;
}
export type ComprehensionMacro = "all" | "exists" | "exists_one" | "map" | "filter";
/** A macro over a list or map: `range.all(x, p)`, `range.map(x, filter, f)`, `range.map(i, v, f)` ... */
export interface ComprehensionExpr extends Base {
  kind: "comprehension";
  macro: ComprehensionMacro;
  range: Expr;
  /** The iteration variable (element of a list, key of a map). */
  iterVar: string;
  /** For the two-variable forms: index/key then value. */
  iterVar2?: string;
  /** all/exists/exists_one/filter: the predicate; map: the transform. */
  body: Expr;
  /** map with three arguments: the filter applied before the transform. */
  filter?: Expr;
}

export type Expr =
  | LiteralExpr
  | IdentExpr
  | SelectExpr
  | IndexExpr
  | CallExpr
  | ListExpr
  | MapExpr
  | AndOrExpr
  | ConditionalExpr
  | HasExpr
  | ComprehensionExpr;

/** A parse problem at an offset range of the expression text. */
export interface ExprProblem {
  code: "expr-syntax" | "reserved-word";
  message: string;
  start: number;
  end: number;
}

/** The result of parsing: the AST, or the problems found (offsets relative to the text). */
export type ParseResult = { ok: true; ast: Expr; nodeCount: number } | { ok: false; problems: ExprProblem[] };
