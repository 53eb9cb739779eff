// Which names an expression reads (`params.x`, `steps.a.output.b`), taken from the expression parser's AST.
import type { SourceText } from "../parser/ast.js";
import type { Expr } from "../parser/expr/ast.js";
import { parseExpressionText, splitTemplateText } from "./expr-source.js";

/** One read of a name rooted at a free identifier, e.g. `steps.migrate.output.applied`. */
export interface Reference {
  /** The free identifier the chain starts at: params, steps, env, output, connections... */
  root: string;
  /** Field names after the root, as far as they are static (`["migrate", "output", "applied"]`). */
  path: string[];
  /** [start, end) in the decoded text of the SourceText (template references are shifted into it). */
  start: number;
  end: number;
  /** true inside `has(...)`: the expression tests presence rather than reading the value. */
  presenceTest: boolean;
}

/** What the linter needs from one expression or template. */
export interface ExpressionInfo {
  /** false when the text did not parse; the loader/checker reports that, rules stay quiet. */
  parsed: boolean;
  references: Reference[];
  /** Calls made, by function name (`now`, `semver`, `has` is a macro and not listed). */
  calls: string[];
}

/** Functions whose result changes between evaluations: an expression calling them is not constant. */
const NONDETERMINISTIC = new Set(["now"]);

function chain(e: Expr): { root: string; path: string[] } | undefined {
  const path: string[] = [];
  let cur: Expr = e;
  for (;;) {
    if (cur.kind === "select") {
      path.unshift(cur.field);
      cur = cur.operand;
    } else if (cur.kind === "index" && cur.index.kind === "literal" && typeof cur.index.value === "string") {
      path.unshift(cur.index.value);
      cur = cur.operand;
    } else if (cur.kind === "index") {
      // A computed index ends the static path: keep only what is left of it.
      path.length = 0;
      cur = cur.operand;
    } else break;
  }
  return cur.kind === "ident" ? { root: cur.name, path } : undefined;
}

function collect(
  e: Expr,
  bound: ReadonlySet<string>,
  shift: number,
  out: ExpressionInfo,
  presence = false,
): void {
  switch (e.kind) {
    case "ident":
      if (!bound.has(e.name))
        out.references.push({
          root: e.name,
          path: [],
          start: e.start + shift,
          end: e.end + shift,
          presenceTest: presence,
        });
      return;
    case "select":
    case "index": {
      const c = chain(e);
      if (c && !bound.has(c.root)) {
        out.references.push({ ...c, start: e.start + shift, end: e.end + shift, presenceTest: presence });
        // Computed indexes inside the chain still read names of their own.
        for (let cur: Expr = e; cur.kind === "select" || cur.kind === "index"; cur = cur.operand) {
          if (cur.kind === "index" && cur.index.kind !== "literal") collect(cur.index, bound, shift, out);
        }
        return;
      }
      collect(e.operand, bound, shift, out, presence);
      if (e.kind === "index") collect(e.index, bound, shift, out);
      return;
    }
    case "has": {
      const c = chain(e.operand);
      if (c && !bound.has(c.root)) {
        out.references.push({
          root: c.root,
          path: [...c.path, e.field],
          start: e.start + shift,
          end: e.end + shift,
          presenceTest: true,
        });
      } else collect(e.operand, bound, shift, out, true);
      return;
    }
    case "call":
      out.calls.push(e.fn);
      if (e.target) collect(e.target, bound, shift, out);
      for (const a of e.args) collect(a, bound, shift, out);
      return;
    case "list":
      for (const x of e.elems) collect(x, bound, shift, out);
      return;
    case "map":
      for (const m of e.entries) {
        collect(m.key, bound, shift, out);
        collect(m.value, bound, shift, out);
      }
      return;
    case "and":
    case "or":
      collect(e.left, bound, shift, out);
      collect(e.right, bound, shift, out);
      return;
    case "cond":
      collect(e.test, bound, shift, out);
      collect(e.then, bound, shift, out);
      collect(e.otherwise, bound, shift, out);
      return;
    case "comprehension": {
      collect(e.range, bound, shift, out);
      const inner = new Set(bound);
      inner.add(e.iterVar);
      if (e.iterVar2) inner.add(e.iterVar2);
      if (e.filter) collect(e.filter, inner, shift, out);
      collect(e.body, inner, shift, out);
      return;
    }
    case "literal":
      return;
  }
}

const NONE: ReadonlySet<string> = new Set();

/** Analyse a bare expression's text. */
export function analyzeExpression(text: string): ExpressionInfo {
  const out: ExpressionInfo = { parsed: true, references: [], calls: [] };
  const r = parseExpressionText(text);
  if (!r) return { parsed: false, references: [], calls: [] };
  collect(r, NONE, 0, out);
  return out;
}

/** Analyse a `${{ }}` template: every embedded expression, with offsets into the whole template text. */
export function analyzeTemplate(text: string): ExpressionInfo {
  const out: ExpressionInfo = { parsed: true, references: [], calls: [] };
  for (const part of splitTemplateText(text)) {
    const r = parseExpressionText(part.text);
    if (!r) {
      out.parsed = false;
      continue;
    }
    collect(r, NONE, part.start, out);
  }
  return out;
}

/** Cached analyses: each SourceText is parsed once however many rules ask. */
export class ExpressionCache {
  private readonly cache = new WeakMap<SourceText, ExpressionInfo>();

  /** The analysis of a bare expression (`template` false) or a template string (`template` true). */
  get(text: SourceText, template: boolean): ExpressionInfo {
    let info = this.cache.get(text);
    if (!info) {
      info = template ? analyzeTemplate(text.text) : analyzeExpression(text.text);
      this.cache.set(text, info);
    }
    return info;
  }

  /** True when no free name is read and nothing nondeterministic is called. */
  isConstant(info: ExpressionInfo): boolean {
    return info.parsed && info.references.length === 0 && !info.calls.some((c) => NONDETERMINISTIC.has(c));
  }
}
