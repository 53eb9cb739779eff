// Param defaults written as `${{ }}` templates over other params: what each reads, an order, and cycles.
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Param, StringValue } from "./ast.js";
import type { Expr } from "./expr/ast.js";
import { childrenOf, parseExpr } from "./expr/parse.js";
import { spanIn } from "./expr/positions.js";
import { splitTemplate } from "./expr/template-pieces.js";

/** One `params.<name>` read in a default template, at [start, end) of the template's text. */
export interface ParamRead {
  name: string;
  start: number;
  end: number;
}

/** The default of `p` when it is a `${{ }}` template (then it is evaluated over the other params). */
export function templateDefault(p: Param): StringValue | undefined {
  const d = p.default;
  return d?.kind === "string" && d.template ? d : undefined;
}

/** Every `params.<name>` (or `params["name"]`) in an expression, not counting a comprehension variable `params`. */
function paramRefs(ast: Expr, shift: number, out: ParamRead[]): void {
  const stack: [Expr, boolean][] = [[ast, false]];
  while (stack.length > 0) {
    const [e, shadowed] = stack.pop() as [Expr, boolean];
    const isParams = (x: Expr) => !shadowed && x.kind === "ident" && x.name === "params";
    if ((e.kind === "select" || e.kind === "has") && isParams(e.operand))
      out.push({ name: e.field, start: shift + e.fieldStart, end: shift + e.fieldStart + e.field.length });
    if (e.kind === "index" && isParams(e.operand) && e.index.kind === "literal") {
      if (typeof e.index.value === "string")
        out.push({ name: e.index.value, start: shift + e.index.start, end: shift + e.index.end });
    }
    const inner =
      shadowed || (e.kind === "comprehension" && (e.iterVar === "params" || e.iterVar2 === "params"));
    for (const c of childrenOf(e))
      stack.push([c, e.kind === "comprehension" && c !== e.range ? inner : shadowed]);
  }
}

/** The params a default template reads, in text order; parts that do not parse are left to the checker. */
export function defaultReads(v: StringValue): ParamRead[] {
  const out: ParamRead[] = [];
  for (const piece of splitTemplate(v.source.text).pieces) {
    if (piece.kind !== "expr") continue;
    const parsed = parseExpr(v.source.text.slice(piece.start, piece.end));
    if (parsed.ok) paramRefs(parsed.ast, piece.start, out);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A cycle among template defaults: each member with the read that leads to the next one. */
export type DefaultCycle = { param: Param; read: ParamRead }[];

/**
 * The params with template defaults in an order where every default comes after the template defaults it
 * reads, and the cycles that make such an order impossible (their members are left out of `order`).
 */
export function defaultOrder(params: readonly Param[]): { order: Param[]; cycles: DefaultCycle[] } {
  const templated = new Map<string, { param: Param; reads: ParamRead[] }>();
  for (const p of params) {
    const t = templateDefault(p);
    if (t && !templated.has(p.name.value)) templated.set(p.name.value, { param: p, reads: defaultReads(t) });
  }
  const order: Param[] = [];
  const cycles: DefaultCycle[] = [];
  // "blocked": in a cycle, or reads one; such a default can never be evaluated.
  const state = new Map<string, "visiting" | "done" | "blocked">();
  /** The depth-first path; each entry's `read` is the edge to the next entry. */
  const path: { name: string; read?: ParamRead }[] = [];
  const visit = (name: string): boolean => {
    const node = templated.get(name);
    if (!node) return true;
    const s = state.get(name);
    if (s === "done") return true;
    if (s === "blocked") return false;
    if (s === "visiting") {
      const members = path.slice(path.findIndex((x) => x.name === name));
      cycles.push(
        members.map((m) => ({ param: templated.get(m.name)?.param as Param, read: m.read as ParamRead })),
      );
      for (const m of members) state.set(m.name, "blocked");
      return false;
    }
    state.set(name, "visiting");
    const here: { name: string; read?: ParamRead } = { name };
    path.push(here);
    let ok = true;
    for (const r of node.reads) {
      here.read = r;
      if (!visit(r.name)) ok = false;
    }
    path.pop();
    ok = ok && state.get(name) === "visiting";
    state.set(name, ok ? "done" : "blocked");
    if (ok) order.push(node.param);
    return ok;
  };
  for (const name of templated.keys()) visit(name);
  return { order, cycles };
}

/** `param-default-cycle`: template defaults that read each other in a circle can never be evaluated. */
export function defaultCycleProblems(params: readonly Param[], file?: SourceFile): Diagnostic[] {
  return defaultOrder(params).cycles.map((cycle) => {
    const first = cycle[0] as DefaultCycle[number];
    const names = [...cycle.map((c) => c.param.name.value), first.param.name.value].join(" → ");
    const at = (c: DefaultCycle[number]) =>
      spanIn(
        { source: (templateDefault(c.param) as StringValue).source, ...(file ? { file } : {}) },
        c.read.start,
        c.read.end,
      );
    const message =
      cycle.length === 1
        ? `The default of param "${first.param.name.value}" reads the param itself, so it can never be computed; write a literal default, or derive it from another param`
        : `The defaults of params ${names} read each other in a circle, so none can be computed; give one of them a literal default (or no default) so the others can be derived from it`;
    return diagnostic(
      "param-default-cycle",
      "error",
      message,
      at(first),
      cycle
        .slice(1)
        .map((c) => ({ span: at(c), message: `param "${c.param.name.value}" reads "${c.read.name}" here` })),
    );
  });
}
