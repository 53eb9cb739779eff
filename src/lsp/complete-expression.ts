// Completion inside an expression or `${{ }}`: the names its environment declares, the fields of the type
// before a dot (steps only where they can have run), and the functions and macros that apply.

import type { CompletionItem } from "vscode-languageserver/node";
import { CompletionItemKind, MarkupKind } from "vscode-languageserver/node";
import { signatureText } from "../check/messages.js";
import { functionNames, type Overload, overloads, overloadsOf } from "../check/overloads.js";
import { unify } from "../check/type-utils.js";
import { type CelType, T } from "../contract/cel-types.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Analysis } from "./analysis.js";
import { describeParam, describeStep } from "./describe.js";
import type { ExprCursor } from "./expr-cursor.js";
import { typingAt } from "./expr-cursor.js";
import { fileOffset, rangeOf } from "./positions.js";
import { typeLabel } from "./type-text.js";

/** The comprehension macros, called on a list or a map; `has` is the one global macro. */
const MACROS: readonly { name: string; doc: string }[] = [
  { name: "all", doc: "`range.all(x, p)`: true when p holds for every element (every key of a map)" },
  { name: "exists", doc: "`range.exists(x, p)`: true when p holds for at least one element" },
  { name: "exists_one", doc: "`range.exists_one(x, p)`: true when p holds for exactly one element" },
  {
    name: "map",
    doc: "`range.map(x, f)` or `range.map(x, p, f)`: the list of f over the elements (where p holds)",
  },
  { name: "filter", doc: "`range.filter(x, p)`: the elements for which p holds" },
];
const HAS_DOC = "`has(x.f)`: true when the field or map key f is present";
const KEYWORDS = ["true", "false", "null"];

/** Global functions: names with an overload called as `f(x)`, each with its signatures. */
function globalFunctions(): { name: string; sigs: Overload[] }[] {
  return functionNames()
    .map((name) => ({ name, sigs: overloadsOf(name).filter((o) => !o.receiver) }))
    .filter((f) => f.sigs.length > 0);
}

/** Receiver functions whose receiver accepts a value of type `t` (`s.startsWith(…)` on a string). */
function methodsFor(t: CelType): { name: string; sigs: Overload[] }[] {
  const byName = new Map<string, Overload[]>();
  for (const o of overloads) {
    const first = o.params[0];
    if (!o.receiver || !first || !/^[a-zA-Z]/.test(o.fn)) continue;
    if (t.kind !== "dyn" && !unify(first, t, new Map())) continue;
    byName.set(o.fn, [...(byName.get(o.fn) ?? []), o]);
  }
  return [...byName].map(([name, sigs]) => ({ name, sigs }));
}

function signatures(sigs: readonly Overload[]): string {
  return ["```", ...sigs.map(signatureText), "```"].join("\n");
}

/** The items for the cursor in an expression; `source` is the text the cursor is in (an edit newer than `a`). */
export function completeExpression(
  a: Analysis,
  c: ExprCursor,
  source: SourceFile = a.source,
): CompletionItem[] {
  const typing = typingAt(c.before, c.site.env);
  if (!typing) return [];
  const range = rangeOf(
    source,
    fileOffset(c.site.text, c.index - typing.prefix.length),
    fileOffset(c.site.text, c.index),
  );
  const items: CompletionItem[] = [];
  const add = (item: CompletionItem) => {
    items.push({
      ...item,
      textEdit: { range, newText: item.insertText ?? item.label },
      sortText: String(items.length).padStart(4, "0"),
    });
  };
  const runbook = a.runbook;
  if (typing.kind === "name") {
    for (const [name, t] of typing.locals)
      add({ label: name, kind: CompletionItemKind.Variable, detail: typeLabel(t) });
    for (const [name, t] of Object.entries(c.site.env.variables))
      add({ label: name, kind: CompletionItemKind.Variable, detail: typeLabel(t) });
    add({ label: "has", kind: CompletionItemKind.Function, detail: "macro", documentation: md(HAS_DOC) });
    for (const f of globalFunctions())
      add({
        label: f.name,
        kind: CompletionItemKind.Function,
        detail: signatureText(f.sigs[0] as Overload),
        documentation: md(signatures(f.sigs)),
      });
    for (const k of KEYWORDS) add({ label: k, kind: CompletionItemKind.Keyword });
    return items;
  }
  const t = typing.type;
  if (!t) return [];
  if (typing.operand === "steps" && runbook && c.site.env.variables.steps) {
    for (const id of Object.keys(t.kind === "object" ? t.fields : {})) {
      if (!c.site.ran.has(id) && id !== c.site.self) continue;
      const d = describeStep(a, id);
      add({ label: id, kind: CompletionItemKind.Module, detail: d.detail, documentation: md(d.markdown) });
    }
    return items;
  }
  if (t.kind === "object") {
    for (const [name, ft] of Object.entries(t.fields)) {
      const param =
        typing.operand === "params" && runbook
          ? runbook.params.find((p) => p.name.value === name)
          : undefined;
      if (param) {
        const d = describeParam(param);
        add({ label: name, kind: CompletionItemKind.Field, detail: d.detail, documentation: md(d.markdown) });
      } else add({ label: name, kind: CompletionItemKind.Field, detail: typeLabel(ft) });
    }
    return items;
  }
  if (t.kind === "list" || t.kind === "map" || t.kind === "dyn")
    for (const m of MACROS)
      add({ label: m.name, kind: CompletionItemKind.Method, detail: "macro", documentation: md(m.doc) });
  for (const f of methodsFor(t.kind === "error" ? T.dyn : t))
    add({
      label: f.name,
      kind: CompletionItemKind.Method,
      detail: signatureText(f.sigs[0] as Overload),
      documentation: md(signatures(f.sigs)),
    });
  return items;
}

function md(value: string) {
  return { kind: MarkupKind.Markdown, value };
}
