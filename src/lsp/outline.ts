// Document symbols: the runbook as an outline — params, check suites with their steps, phases with their
// steps and rollback steps.
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver/node";
import type { Span } from "../diagnostics/diagnostic.js";
import type { Runbook, Step } from "../parser/ast.js";
import { toRange } from "./positions.js";

function symbol(
  name: string,
  kind: SymbolKind,
  span: Span,
  select: Span,
  detail?: string,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const s: DocumentSymbol = {
    name: name || "(unnamed)",
    kind,
    range: toRange(span),
    selectionRange: toRange(select),
  };
  if (detail) s.detail = detail;
  if (children && children.length > 0) s.children = children;
  return s;
}

/** Selection inside range, as LSP requires: a name span outside its node (never in practice) falls back. */
function inside(outer: Span, inner: Span): Span {
  return inner.start.offset >= outer.start.offset && inner.end.offset <= outer.end.offset ? inner : outer;
}

/** From the start of a key to the end of its value. */
function joined(key: Span, value: Span): Span {
  return value.end.offset > key.end.offset ? { file: key.file, start: key.start, end: value.end } : key;
}

function stepSymbol(s: Step): DocumentSymbol {
  const name = s.id?.value ?? (s.check ? `check ${s.check.value}` : (s.action?.value ?? "step"));
  const head = s.id ?? s.action ?? s.check ?? s;
  const detail = s.action ? s.action.value : s.check ? "check suite" : undefined;
  const children = s.verify
    ? [symbol("verify", SymbolKind.Event, s.verify.span, s.verify.span, s.verify.action?.value)]
    : undefined;
  return symbol(
    name,
    s.check ? SymbolKind.Module : SymbolKind.Function,
    s.span,
    inside(s.span, head.span),
    detail,
    children,
  );
}

/** The outline of a runbook. */
export function outline(runbook: Runbook): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const p of runbook.params)
    out.push(
      symbol(p.name.value, SymbolKind.Variable, joined(p.name.span, p.span), p.name.span, `param: ${p.type}`),
    );
  for (const c of runbook.checks)
    out.push(
      symbol(
        c.name.value,
        SymbolKind.Module,
        joined(c.name.span, c.span),
        c.name.span,
        "check suite",
        c.steps.map(stepSymbol),
      ),
    );
  for (const p of runbook.phases) {
    const children = p.steps.map(stepSymbol);
    if (p.rollback && p.rollbackSpan)
      children.push(
        symbol(
          "rollback",
          SymbolKind.Event,
          p.rollbackSpan,
          p.rollbackSpan,
          "rollback boundary",
          p.rollback.map(stepSymbol),
        ),
      );
    out.push(
      symbol(
        p.id.value,
        SymbolKind.Namespace,
        p.span,
        inside(p.span, p.id.span),
        p.rollback ? "phase · rollback boundary" : "phase",
        children,
      ),
    );
  }
  return out;
}
