// Completion in the YAML itself: `action:` names, `check:` suites, a `with:` field of the step's action (from
// its input schema), a connection of the kind the action talks to, and the values an enum field allows.

import type { CompletionItem } from "vscode-languageserver/node";
import { CompletionItemKind, InsertTextFormat, MarkupKind } from "vscode-languageserver/node";
import { isScalar } from "yaml";
import type { AnyAction } from "../contract/action.js";
import type { JsonSchema } from "../contract/json.js";
import type { Analysis } from "./analysis.js";
import { describeAction, describeSuite } from "./describe.js";
import { rangeOf } from "./positions.js";
import { isStepField, nodeAt, presentKeys, type YamlPath, type YamlSpot } from "./yaml-cursor.js";

/** The action named by the step whose `with:` (or field) the path is in, and the path below `with`. */
function withContext(a: Analysis, path: YamlPath): { action: AnyAction; below: YamlPath } | undefined {
  const at = path.lastIndexOf("with");
  if (at < 0 || !a.loaded.yaml) return undefined;
  const name = nodeAt(a.loaded.yaml, [...path.slice(0, at), "action"]);
  const action = isScalar(name) ? a.catalog.find(String(name.value)) : undefined;
  return action ? { action, below: path.slice(at + 1) } : undefined;
}

/** The sub-schema at a path below a schema (object properties, array items). */
function schemaAt(schema: JsonSchema, path: YamlPath): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  for (const seg of path) {
    if (!s) return undefined;
    s = (
      typeof seg === "number" ? s.items : (s.properties as Record<string, JsonSchema> | undefined)?.[seg]
    ) as JsonSchema | undefined;
  }
  return s;
}

/** A field's type as the schema writes it: `string`, `integer or array`, an enum's values. */
function schemaType(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = [s.type, ...((s.anyOf as JsonSchema[] | undefined) ?? []).map((x) => x.type)]
    .flat()
    .filter((t) => t);
  return types.length > 0 ? types.join(" or ") : "any";
}

/** The items for a YAML key or value at the cursor. */
export function completeYaml(a: Analysis, spot: YamlSpot, offset: number): CompletionItem[] {
  const range = rangeOf(a.source, spot.start, offset);
  const items: CompletionItem[] = [];
  const add = (item: CompletionItem) =>
    items.push({
      ...item,
      textEdit: { range, newText: item.insertText ?? item.label },
      sortText: String(items.length).padStart(4, "0"),
    });
  if (spot.kind === "value") {
    if (isStepField(spot.path, "action")) {
      for (const action of a.catalog.actions) {
        const d = describeAction(action);
        add({
          label: action.name,
          kind: CompletionItemKind.Function,
          detail: d.detail,
          documentation: { kind: MarkupKind.Markdown, value: d.markdown },
        });
      }
      return items;
    }
    if (isStepField(spot.path, "check")) {
      for (const suite of a.runbook?.checks ?? []) {
        const d = describeSuite(a, suite.name.value);
        add({
          label: suite.name.value,
          kind: CompletionItemKind.Module,
          detail: d.detail,
          documentation: { kind: MarkupKind.Markdown, value: d.markdown },
        });
      }
      return items;
    }
    const ctx = withContext(a, spot.path);
    if (!ctx) return items;
    if (ctx.below.length === 1 && ctx.below[0] === "connection") {
      const kinds = ctx.action.connectionKinds ?? [];
      for (const c of a.runbook?.connections ?? [])
        if (kinds.length === 0 || kinds.includes(c.kind))
          add({ label: c.name.value, kind: CompletionItemKind.Reference, detail: `${c.kind} connection` });
      return items;
    }
    const field = schemaAt(ctx.action.input, ctx.below);
    if (field && Array.isArray(field.enum))
      for (const v of field.enum) add({ label: String(v), kind: CompletionItemKind.EnumMember });
    return items;
  }
  const ctx = withContext(a, spot.path);
  if (!ctx || !a.loaded.yaml) return items;
  const schema = schemaAt(ctx.action.input, ctx.below);
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const present = new Set(presentKeys(nodeAt(a.loaded.yaml, spot.path)));
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries(props)) {
    if (present.has(name) && name !== spot.prefix) continue;
    const doc = [`\`${name}\`: ${schemaType(s)}${required.has(name) ? " (required)" : ""}`];
    if (typeof s.description === "string") doc.push("", s.description);
    add({
      label: name,
      kind: CompletionItemKind.Field,
      detail: `${schemaType(s)}${required.has(name) ? " · required" : ""}`,
      documentation: { kind: MarkupKind.Markdown, value: doc.join("\n") },
      insertText: `${name}: `,
      insertTextFormat: InsertTextFormat.PlainText,
      filterText: name,
    });
  }
  return items;
}
