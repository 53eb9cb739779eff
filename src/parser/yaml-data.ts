// The plain JavaScript value of a document rbx accepted as YAML, for the schema check: what yaml's toJS gives.
import { type Document, isMap, isPair, isScalar, isSeq, type Pair, type Node as YamlNode } from "yaml";

/** A node this conversion does not read (an alias, a collection as a key): the caller asks yaml instead. */
const UNREAD = Symbol("unread");

/**
 * The document's value as `doc.toJS()` gives it: mappings as objects keyed by their keys' text, sequences as arrays,
 * scalars as their values. Only for a document that passed the YAML checks (no anchors, aliases, tags, merge or
 * collection keys); anything else is converted by yaml itself. It skips yaml's per-node context (anchors, merge
 * keys, revivers), none of which such a document uses, and is about half its cost.
 */
export function documentData(doc: Document.Parsed): unknown {
  const data = nodeValue(doc.contents);
  return data === UNREAD ? doc.toJS({ maxAliasCount: -1 }) : data;
}

function nodeValue(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return node.value;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const item of node.items) if (addPair(out, item as Pair) === UNREAD) return UNREAD;
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    for (const item of node.items) {
      let value: unknown;
      if (isPair(item)) {
        // A `key: value` inside a flow sequence is a mapping of one pair.
        const one: Record<string, unknown> = {};
        value = addPair(one, item) === UNREAD ? UNREAD : one;
      } else value = nodeValue(item as YamlNode);
      if (value === UNREAD) return UNREAD;
      out.push(value);
    }
    return out;
  }
  return UNREAD;
}

/** One pair into an object, keyed as yaml keys it (null as "", others by their text). */
function addPair(out: Record<string, unknown>, pair: Pair): unknown {
  const key = pair.key;
  let name: string;
  if (key === null || key === undefined) name = "";
  else if (isScalar(key)) name = key.value === null ? "" : String(key.value);
  else return UNREAD;
  const value = nodeValue(pair.value);
  if (value === UNREAD) return UNREAD;
  // A key an object already answers to (`__proto__`, `constructor`) is defined as the object's own, as yaml does.
  if (name in out)
    Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  else out[name] = value;
  return undefined;
}
