// Hover: a param's type and description, a step's action and output type, an action's docs, a check suite,
// a function's signatures, and the type the checker gives any other part of an expression.

import { type Hover, MarkupKind } from "vscode-languageserver/node";
import { isScalar } from "yaml";
import { qualifiedName } from "../check/checker.js";
import type { Analysis } from "./analysis.js";
import { describeAction, describeFunction, describeParam, describeStep, describeSuite } from "./describe.js";
import { exprCursorAt } from "./expr-cursor.js";
import { nodeAtCursor } from "./expr-node.js";
import { rangeOf } from "./positions.js";
import { typeOutline } from "./type-text.js";
import { hitAt, isStepField } from "./yaml-cursor.js";

const markdown = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value } });

/** What the expression under the cursor is. */
function hoverExpression(a: Analysis, offset: number): Hover | undefined {
  const c = exprCursorAt(a.sites, offset);
  if (!c) return undefined;
  const at = nodeAtCursor(c);
  if (!at) return undefined;
  const n = at.node;
  if (n.kind === "call" && c.index - c.piece.start < n.fnStart + n.fn.length) {
    const d = describeFunction(n.fn);
    if (d) return markdown(d.markdown);
  }
  if (n.kind === "select" && n.operand.kind === "ident") {
    if (n.operand.name === "params") {
      const p = a.runbook?.params.find((x) => x.name.value === n.field);
      if (p) return markdown(describeParam(p).markdown);
    }
    if (n.operand.name === "steps" && at.type && at.type.kind !== "error")
      return markdown(describeStep(a, n.field).markdown);
  }
  if (!at.type || at.type.kind === "error") return undefined;
  const name = qualifiedName(n) ?? c.site.text.text.slice(at.start, at.start + (n.end - n.start));
  return markdown([`\`${name}\``, "```", typeOutline(at.type), "```"].join("\n"));
}

/** What the YAML key or value under the cursor names. */
function hoverYaml(a: Analysis, offset: number): Hover | undefined {
  if (!a.loaded.yaml) return undefined;
  const hit = hitAt(a.loaded.yaml, offset);
  if (!hit) return undefined;
  const last = hit.path[hit.path.length - 1];
  if (hit.onKey !== undefined) {
    if (hit.path.length === 1 && hit.path[0] === "params") {
      const p = a.runbook?.params.find((x) => x.name.value === hit.onKey);
      return p ? markdown(describeParam(p).markdown) : undefined;
    }
    if (hit.path.length === 1 && hit.path[0] === "checks")
      return markdown(describeSuite(a, hit.onKey).markdown);
    return undefined;
  }
  if (!isScalar(hit.node)) return undefined;
  const value = String(hit.node.value);
  const range = hit.node.range ? rangeOf(a.source, hit.node.range[0], hit.node.range[1]) : undefined;
  const withRange = (h: Hover | undefined) => (h && range ? { ...h, range } : h);
  if (!isStepField(hit.path, String(last))) return undefined;
  if (last === "action") {
    const action = a.catalog.find(value);
    return withRange(action ? markdown(describeAction(action).markdown) : undefined);
  }
  if (last === "check") return withRange(markdown(describeSuite(a, value).markdown));
  if (last === "id" && a.order?.placement.has(value))
    return withRange(markdown(describeStep(a, value).markdown));
  return undefined;
}

/** The hover at a file offset, or null. */
export function hover(a: Analysis, offset: number): Hover | null {
  return hoverExpression(a, offset) ?? hoverYaml(a, offset) ?? null;
}
