// A completion sent right after an edit is answered from the last analysis when the edit stays inside one
// expression: the new text is diffed against the analysed one and the sites rebased onto it, so the completion
// waits for no reload of the whole document (the diagnostics still load the new version, just after).
import { type Document, isMap, isScalar, isSeq, Scalar, type Node as YamlNode } from "yaml";
import { SourceFile } from "../diagnostics/source-file.js";
import type { SourceText } from "../parser/ast.js";
import type { Analysis } from "./analysis.js";
import { type ExprCursor, exprCursorAt } from "./expr-cursor.js";
import type { Site } from "./sites.js";

/** The cursor in the new text and the new text's lines, for the completion's ranges. */
export interface QuickCursor {
  cursor: ExprCursor;
  source: SourceFile;
}

/** What changed between two texts: [start, oldEnd) of the old became [start, newEnd) of the new. */
interface Change {
  start: number;
  oldEnd: number;
  newEnd: number;
  delta: number;
}

function changeOf(before: string, after: string): Change {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  return {
    start,
    oldEnd: before.length - tail,
    newEnd: after.length - tail,
    delta: after.length - before.length,
  };
}

/** The scalar a site is written in, and whether a flow collection (`[…]`, `{…}`) holds it. */
function scalarAt(doc: Document.Parsed, offset: number): { scalar: Scalar; flow: boolean } | undefined {
  let node = doc.contents as YamlNode | null;
  let flow = false;
  const within = (n: unknown): n is YamlNode => {
    const r = (n as YamlNode | null)?.range;
    return !!r && offset >= r[0] && offset < r[2];
  };
  for (let depth = 0; node && depth < 10_000; depth++) {
    if (isScalar(node)) return { scalar: node, flow };
    let next: YamlNode | undefined;
    if (isMap(node)) {
      flow ||= !!node.flow;
      next = node.items.map((p) => p.value).find(within);
    } else if (isSeq(node)) {
      flow ||= !!node.flow;
      next = node.items.find(within);
    }
    node = next ?? null;
  }
  return undefined;
}

/** Characters whose typing leaves a scalar's kind and extent alone in every style (quotes are per style). */
const SAFE = /^[A-Za-z0-9_.()[\],<>=!&|+\-*/%? ]*$/;

const STYLES = new Set<string>([
  Scalar.PLAIN,
  Scalar.QUOTE_DOUBLE,
  Scalar.QUOTE_SINGLE,
  Scalar.BLOCK_LITERAL,
  Scalar.BLOCK_FOLDED,
]);

/**
 * Whether typing `inserted` over `removed` at `at` keeps the scalar the same kind of YAML with the same extent:
 * no line breaks, comments, `key: ` separators, quotes of its own style, template braces, and no space that a
 * line break or another space could fold or trim.
 */
function keepsScalar(
  c: Change,
  before: string,
  after: string,
  style: Scalar["type"],
  first: number,
): boolean {
  const removed = before.slice(c.start, c.oldEnd);
  const inserted = after.slice(c.start, c.newEnd);
  if (!SAFE.test(removed) || !SAFE.test(inserted)) return false;
  if (!style || !STYLES.has(style)) return false;
  // A plain scalar's first character decides what it is (`-`, `?`, `!` …): leave it alone.
  if (style === Scalar.PLAIN && c.start <= first) return false;
  // The edit and one character either side: a space must sit between two visible characters.
  for (let i = Math.max(0, c.start - 1); i <= Math.min(after.length - 1, c.newEnd); i++) {
    if (after[i] !== " ") continue;
    const l = after[i - 1];
    const r = after[i + 1];
    if (!l || !r || /\s/.test(l) || /\s/.test(r) || l === ":" || r === "#") return false;
  }
  return true;
}

/** The site's text with [start, oldEnd) of the file replaced, when those characters are written literally. */
function edited(text: SourceText, c: Change, after: string, source: SourceFile): SourceText | undefined {
  const o = text.offsets;
  const at = o.indexOf(c.start);
  if (at < 0) return undefined;
  const removed = c.oldEnd - c.start;
  for (let k = 0; k < removed; k++) if (o[at + k] !== c.start + k) return undefined;
  const inserted = after.slice(c.start, c.newEnd);
  const offsets = [
    ...o.slice(0, at),
    ...Array.from(inserted, (_, k) => c.start + k),
    ...o.slice(at + removed).map((x) => x + c.delta),
  ];
  const decoded = text.text.slice(0, at) + inserted + text.text.slice(at + removed);
  if (decoded.length + 1 !== offsets.length) return undefined;
  return {
    text: decoded,
    offsets,
    span: source.span(text.span.start.offset, text.span.end.offset + c.delta),
  };
}

/** A site of the old text moved by `delta` characters (it lies wholly after the edit). */
function shifted(site: Site, delta: number, source: SourceFile): Site {
  const t = site.text;
  const offsets = t.offsets.map((x) => x + delta);
  return {
    ...site,
    text: { ...t, offsets, span: source.span(t.span.start.offset + delta, t.span.end.offset + delta) },
  };
}

/**
 * The expression cursor at `offset` of `text`, from the analysis of an earlier version; undefined when the edit
 * since then reaches outside one expression's characters (a key, a step, a line break), which only a full load
 * answers soundly.
 */
export function rebasedCursor(
  old: Analysis,
  text: string,
  offset: (s: SourceFile) => number,
): QuickCursor | undefined {
  const source = new SourceFile(old.file, text);
  const before = old.source.text;
  const after = source.text;
  const at = offset(source);
  const c = changeOf(before, after);
  if (c.start === before.length && c.start === after.length) {
    const cursor = exprCursorAt(old.sites, at);
    return cursor ? { cursor, source: old.source } : undefined;
  }
  const doc = old.loaded.yaml;
  if (!doc) return undefined;
  const changed = old.sites.find(
    (s) => s.text.span.start.offset <= c.start && c.oldEnd <= s.text.span.end.offset,
  );
  if (!changed) return undefined;
  const found = scalarAt(doc, changed.text.span.start.offset);
  if (!found || found.flow) return undefined;
  const first = changed.text.offsets[0] ?? changed.text.span.start.offset;
  if (!keepsScalar(c, before, after, found.scalar.type, first)) return undefined;
  const text2 = edited(changed.text, c, after, source);
  if (!text2) return undefined;
  let site: Site | undefined;
  if (at >= text2.span.start.offset && at <= text2.span.end.offset) site = { ...changed, text: text2 };
  else if (at < c.start) site = old.sites.find((s) => s.text.span.end.offset < c.start && within(s, at));
  else if (at >= c.newEnd) {
    const was = old.sites.find((s) => s.text.span.start.offset >= c.oldEnd && within(s, at - c.delta));
    site = was && shifted(was, c.delta, source);
  }
  const cursor = site && exprCursorAt([site], at);
  return cursor ? { cursor, source } : undefined;
}

function within(s: Site, offset: number): boolean {
  return offset >= s.text.span.start.offset && offset <= s.text.span.end.offset;
}
