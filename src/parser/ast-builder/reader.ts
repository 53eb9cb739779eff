// Turns YAML nodes into AST leaves with spans: names, strings, expressions, durations and literal values.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
  type Node as YamlNode,
} from "yaml";
import { parseDuration } from "../../contract/duration.js";
import type { Span } from "../../diagnostics/diagnostic.js";
import type { SourceFile } from "../../diagnostics/source-file.js";
import type { DurationValue, MapEntry, Name, SourceText, StringValue, ValueNode } from "../ast.js";
import { decodeScalar } from "../scalar-source.js";

/** One field of a mapping: its key node and its value node. */
export interface Field {
  key: Scalar;
  value: YamlNode | null;
}

/** Reads AST leaves out of one file's YAML nodes; the shape was checked by the schema already. */
export class Reader {
  readonly src: SourceFile;

  constructor(src: SourceFile) {
    this.src = src;
  }

  span(node: YamlNode | null | undefined): Span {
    const r = node?.range ?? [0, 0];
    return this.src.span(r[0], r[1]);
  }

  /** The fields of a mapping in document order (an absent or non-map node has none). */
  fields(node: YamlNode | null | undefined): Field[] {
    if (!isMap(node)) return [];
    const out: Field[] = [];
    for (const p of (node as YAMLMap).items) {
      if (isPair(p) && isScalar(p.key))
        out.push({ key: p.key as Scalar, value: (p.value as YamlNode) ?? null });
    }
    return out;
  }

  /** The value node of `name` in a mapping. */
  get(node: YamlNode | null | undefined, name: string): YamlNode | undefined {
    if (!isMap(node)) return undefined;
    for (const p of (node as YAMLMap).items) {
      if (isPair(p) && isScalar(p.key) && String(p.key.value) === name)
        return (p.value as YamlNode) ?? undefined;
    }
    return undefined;
  }

  items(node: YamlNode | null | undefined): YamlNode[] {
    return isSeq(node) ? ((node as YAMLSeq).items as YamlNode[]) : [];
  }

  name(node: YamlNode | null | undefined): Name {
    return { value: isScalar(node) ? String(node.value) : "", span: this.span(node) };
  }

  string(node: YamlNode | null | undefined): string | undefined {
    return isScalar(node) && node.value !== null ? String(node.value) : undefined;
  }

  /** A scalar as source text with its offsets map (expressions, templates). */
  sourceText(node: YamlNode | null | undefined): SourceText {
    if (!isScalar(node)) return { text: "", offsets: [node?.range?.[0] ?? 0], span: this.span(node) };
    const d = decodeScalar(node, this.src.text);
    return { text: d.text, offsets: d.offsets, span: this.span(node) };
  }

  stringValue(node: YamlNode | null | undefined): StringValue {
    const source = this.sourceText(node);
    return {
      kind: "string",
      value: source.text,
      template: source.text.includes("${{"),
      source,
      span: source.span,
    };
  }

  /** A duration literal, or a whole `${{ }}` template kept as source text (the schema allows only these). */
  duration(node: YamlNode | null | undefined): DurationValue | undefined {
    const text = this.string(node);
    if (text === undefined) return undefined;
    if (text.includes("${{")) {
      const template = this.sourceText(node);
      return { text: template.text, ms: 0, template, span: template.span };
    }
    return { text, ms: parseDuration(text) ?? 0, span: this.span(node) };
  }

  /** A literal or template value (`with:`, connection fields, defaults). */
  value(node: YamlNode | null | undefined): ValueNode {
    const span = this.span(node);
    if (isMap(node)) return { kind: "map", entries: this.entries(node), span };
    if (isSeq(node)) return { kind: "list", items: this.items(node).map((n) => this.value(n)), span };
    if (!isScalar(node) || node.value === null || node.value === undefined) return { kind: "null", span };
    const v = node.value;
    if (typeof v === "boolean") return { kind: "bool", value: v, span };
    if (typeof v === "number" || typeof v === "bigint") {
      const raw = node.source ?? String(v);
      return {
        kind: "number",
        value: Number(v),
        integer: Number.isInteger(Number(v)) && !/[.eE]/.test(raw),
        raw,
        span,
      };
    }
    return this.stringValue(node);
  }

  entries(node: YamlNode | null | undefined): MapEntry[] {
    return this.fields(node).map((f) => ({ key: this.name(f.key), value: this.value(f.value) }));
  }
}
