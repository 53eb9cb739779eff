// The names a runbook declares (params, env names, step ids, check suites) and every place that reads them,
// found with the expression parser and the checker's own `steps.<id>` finder, for definition and references.
import { stepsWithIds } from "../check/environment.js";
import { memberRefs } from "../check/run-order.js";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Runbook, Step } from "../parser/ast.js";
import { parseExpr } from "../parser/expr/parse.js";
import { sliceSource, spanIn } from "../parser/expr/positions.js";
import { piecesOf, type Site } from "./sites.js";

/** What a name is: the kinds of names navigation knows. */
export type NameKind = "param" | "env" | "step" | "check";

/** A named thing. */
export interface NameRef {
  kind: NameKind;
  name: string;
}

/** Declarations and references of one document. */
export interface Symbols {
  declaration(ref: NameRef): Span | undefined;
  references(ref: NameRef): readonly Span[];
  /** The name declared or read at a file offset. */
  at(offset: number): NameRef | undefined;
}

const key = (r: NameRef) => `${r.kind}:${r.name}`;
const ROOTS: Partial<Record<string, NameKind>> = { params: "param", env: "env", steps: "step" };

/** Every step of the document, `verify` steps included. */
function allSteps(runbook: Runbook): Step[] {
  const out: Step[] = [];
  const add = (s: Step) => {
    out.push(s);
    if (s.verify) add(s.verify);
  };
  for (const c of runbook.checks) for (const s of c.steps) add(s);
  for (const p of runbook.phases) for (const s of [...p.steps, ...(p.rollback ?? [])]) add(s);
  return out;
}

/** Index a document's names; an absent AST has none. */
export function buildSymbols(
  runbook: Runbook | undefined,
  sites: readonly Site[],
  source: SourceFile,
): Symbols {
  const decls = new Map<string, Span>();
  const refs = new Map<string, Span[]>();
  const places: { ref: NameRef; span: Span }[] = [];
  const declare = (ref: NameRef, span: Span) => {
    if (ref.name === "" || decls.has(key(ref))) return;
    decls.set(key(ref), span);
    places.push({ ref, span });
  };
  const read = (ref: NameRef, span: Span) => {
    const list = refs.get(key(ref)) ?? [];
    list.push(span);
    refs.set(key(ref), list);
    places.push({ ref, span });
  };
  if (runbook) {
    for (const p of runbook.params) {
      declare({ kind: "param", name: p.name.value }, p.name.span);
      if (p.from) {
        const at = p.from.span.start.offset + source.text.slice(p.from.span.start.offset).indexOf(p.from.env);
        read({ kind: "env", name: p.from.env }, source.span(at, at + p.from.env.length));
      }
    }
    for (const e of runbook.env) declare({ kind: "env", name: e.name.value }, e.name.span);
    for (const s of stepsWithIds(runbook)) if (s.id) declare({ kind: "step", name: s.id.value }, s.id.span);
    for (const c of runbook.checks) declare({ kind: "check", name: c.name.value }, c.name.span);
    for (const s of allSteps(runbook))
      if (s.check) read({ kind: "check", name: s.check.value }, s.check.span);
  }
  for (const site of sites) {
    for (const piece of piecesOf(site)) {
      const slice = sliceSource(site.text, piece.start, piece.end);
      const parsed = parseExpr(typeof slice === "string" ? slice : slice.text);
      if (!parsed.ok) continue;
      for (const [root, kind] of Object.entries(ROOTS)) {
        if (!kind) continue;
        for (const r of memberRefs(parsed.ast, root))
          read({ kind, name: r.id }, spanIn({ source: slice, file: source }, r.start, r.end));
      }
    }
  }
  return {
    declaration: (ref) => decls.get(key(ref)),
    references: (ref) => refs.get(key(ref)) ?? [],
    at(offset) {
      for (const p of places) if (offset >= p.span.start.offset && offset <= p.span.end.offset) return p.ref;
      return undefined;
    },
  };
}
