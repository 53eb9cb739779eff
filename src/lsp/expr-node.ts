// The expression node under the cursor and its type as the checker records it.
import { check } from "../check/checker.js";
import type { CelType } from "../contract/cel-types.js";
import type { Expr } from "../parser/expr/ast.js";
import { childrenOf, parseExpr } from "../parser/expr/parse.js";
import type { ExprCursor } from "./expr-cursor.js";

/** The innermost node at the cursor, its ancestors and the type the checker gives it. */
export interface NodeAt {
  node: Expr;
  /** From the root down to the node's parent. */
  parents: Expr[];
  type: CelType | undefined;
  /** Where the node starts, in the site's decoded text. */
  start: number;
}

/** The node under the cursor (the character after it), or undefined when the expression does not parse. */
export function nodeAtCursor(c: ExprCursor): NodeAt | undefined {
  const text = c.site.text.text.slice(c.piece.start, c.piece.end);
  const parsed = parseExpr(text);
  if (!parsed.ok) return undefined;
  const i = c.index - c.piece.start;
  const parents: Expr[] = [];
  let node: Expr = parsed.ast;
  if (i < node.start || i >= node.end) return undefined;
  for (let depth = 0; depth < 1000; depth++) {
    const inner = childrenOf(node).find((x) => i >= x.start && i < x.end);
    if (!inner) break;
    // The field of `a.f` belongs to the select itself, not to its operand.
    if ((node.kind === "select" || node.kind === "has") && i >= node.fieldStart) break;
    parents.push(node);
    node = inner;
  }
  const checked = check(parsed.ast, c.site.env);
  return { node, parents, type: checked.types[node.id], start: c.piece.start + node.start };
}
