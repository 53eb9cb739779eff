// Finds the YAML node (and the key naming it) at a JSON pointer, so schema errors land on the offending node.
import { type Document, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from "yaml";

/** The node at a path, the key that names it (if it sits in a mapping), and the deepest node reached. */
export interface Located {
  node: YamlNode | undefined;
  key: YamlNode | undefined;
  deepest: YamlNode | undefined;
}

/** Split a JSON pointer (`/phases/0/steps`) into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The key node of `name` in a mapping node, if present. */
export function keyNode(map: YamlNode | undefined, name: string): YamlNode | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === name) return pair.key as YamlNode;
  }
  return undefined;
}

/** Walk from the document root along the segments; stops (reporting the deepest node) when a step is missing. */
export function locate(doc: Document.Parsed, segments: readonly string[]): Located {
  let node = doc.contents as YamlNode | null | undefined;
  let key: YamlNode | undefined;
  let deepest: YamlNode | undefined = node ?? undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node: undefined, key: undefined, deepest };
      key = pair.key as YamlNode;
      node = pair.value as YamlNode | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      key = undefined;
      node = item as YamlNode | null;
    } else return { node: undefined, key: undefined, deepest };
    if (node) deepest = node;
    else return { node: undefined, key, deepest: key ?? deepest };
  }
  return { node: node ?? undefined, key, deepest };
}
