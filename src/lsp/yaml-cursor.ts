// Which key or value of the YAML the cursor is typing, from the loader's parsed document (ranges kept) and the
// line being typed — a half-typed key has no node of its own yet, so its map is found by indentation.
import { type Document, isMap, isScalar, isSeq, type Node as YamlNode } from "yaml";
import type { SourceFile } from "../diagnostics/source-file.js";

/** A path from the document root: map keys and sequence indexes. */
export type YamlPath = (string | number)[];

/** A value being typed after `key:` on the key's line, or a key being typed in the map at `path`. */
export type YamlSpot =
  | { kind: "value"; path: YamlPath; prefix: string; start: number }
  | { kind: "key"; path: YamlPath; prefix: string; start: number };

/** What the innermost node at an offset is: a key of the map at `path`, or inside the node at `path`. */
interface Hit {
  path: YamlPath;
  node: YamlNode;
  onKey?: string;
}

const within = (n: YamlNode | null | undefined, offset: number): boolean =>
  !!n?.range && offset >= n.range[0] && offset <= n.range[1];

/** The innermost node holding an offset, walking down from the root. */
export function hitAt(doc: Document.Parsed, offset: number): Hit | undefined {
  let node = doc.contents as YamlNode | null;
  if (!node) return undefined;
  const path: YamlPath = [];
  for (let depth = 0; depth < 10_000; depth++) {
    let next: YamlNode | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (isScalar(key) && within(key, offset)) return { path, node, onKey: String(key.value) };
        const value = pair.value as YamlNode | null;
        if (value && within(value, offset)) {
          path.push(isScalar(key) ? String(key.value) : "");
          next = value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (!next && within(item as YamlNode, offset)) {
          path.push(i);
          next = item as YamlNode;
        }
      });
    }
    if (!next) return { path, node };
    node = next;
  }
  return undefined;
}

/** The node at a path, if the document has one there. */
export function nodeAt(doc: Document.Parsed, path: YamlPath): YamlNode | undefined {
  const n = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return (n ?? undefined) as YamlNode | undefined;
}

/** Where a line's content starts after its indentation and any `- ` sequence markers. */
function contentColumn(line: string): number {
  return /^\s*(?:-\s+)*/.exec(line)?.[0].length ?? 0;
}

/** The map a key typed at `column` of line `line` belongs to, found by the lines above it. */
function mapByIndent(
  doc: Document.Parsed,
  source: SourceFile,
  line: number,
  column: number,
): YamlPath | undefined {
  for (let l = line - 1; l >= 1; l--) {
    const text = source.lineText(l);
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const col = contentColumn(text);
    if (col > column) continue;
    const lineStart = source.lineStarts[l - 1] as number;
    const hit = hitAt(doc, lineStart + col);
    if (!hit?.onKey) return undefined;
    // A sibling key names the same map; a key with nothing after its colon opens the map being typed.
    if (col === column) return hit.path;
    return /:\s*(#.*)?$/.test(trimmed) ? [...hit.path, hit.onKey] : undefined;
  }
  return undefined;
}

/** What the cursor at `offset` is typing in YAML terms, or undefined where neither a key nor a value fits. */
export function yamlSpotAt(doc: Document.Parsed, source: SourceFile, offset: number): YamlSpot | undefined {
  const pos = source.position(offset);
  const lineStart = offset - (pos.column - 1);
  const prefix = source.text.slice(lineStart, offset);
  const hit = hitAt(doc, offset);
  // Inside a block scalar's text, nothing is a key or a value to complete.
  const block =
    hit && isScalar(hit.node) && (hit.node.type === "BLOCK_FOLDED" || hit.node.type === "BLOCK_LITERAL");
  if (block && hit.node.range && offset > hit.node.range[0]) return undefined;
  const value = /(?:^|[\s{,])([A-Za-z0-9_.-]+):\s+(["']?)([A-Za-z0-9_.-]*)$/.exec(prefix);
  if (value) {
    const word = value[3] as string;
    const keyStart = lineStart + (value.index as number) + (value[0] as string).indexOf(value[1] as string);
    const keyHit = hitAt(doc, keyStart);
    if (!keyHit?.onKey || keyHit.onKey !== value[1]) return undefined;
    return { kind: "value", path: [...keyHit.path, keyHit.onKey], prefix: word, start: offset - word.length };
  }
  const flowKey = /[{,]\s*([A-Za-z0-9_.-]*)$/.exec(prefix);
  if (flowKey && hit && isMap(hit.node) && hit.node.flow) {
    const word = flowKey[1] as string;
    return { kind: "key", path: hit.path, prefix: word, start: offset - word.length };
  }
  const key = /^(\s*(?:-\s+)*)([A-Za-z0-9_.-]*)$/.exec(prefix);
  if (key) {
    const word = key[2] as string;
    const path = mapByIndent(doc, source, pos.line, (key[1] as string).length);
    if (path) return { kind: "key", path, prefix: word, start: offset - word.length };
  }
  return undefined;
}

/** The keys a map node already has. */
export function presentKeys(node: YamlNode | undefined): string[] {
  if (!isMap(node)) return [];
  return node.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : []));
}

/** Is the path a step's field `key`: `phases/N/steps/M/<key>`, a rollback step's, a suite step's or a `verify` step's? */
export function isStepField(path: YamlPath, key: string): boolean {
  if (path[path.length - 1] !== key) return false;
  const parent = path.slice(0, -1);
  const holder = parent[parent.length - 2];
  return (
    parent[parent.length - 1] === "verify" ||
    holder === "steps" ||
    holder === "rollback" ||
    parent[0] === "checks"
  );
}
