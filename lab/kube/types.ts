// Shapes of the JSON objects the stand-in stores, plus small helpers every part of it shares.

/** A reference from a dependent object to its owner (controller or not). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Kubernetes ObjectMeta, the fields the stand-in reads or sets. */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [extra: string]: unknown;
}

/** Any stored object: typed metadata, loosely typed spec/status (controllers narrow them). */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A JSON object with unknown contents. */
export type JsonMap = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of JSON values, treating missing, null, empty maps and empty lists alike. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) =>
    v === undefined ||
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (isMap(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/** Read a nested field by path, undefined when any step is missing. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The nested map at path, created on the way when missing. */
export function ensureMap(obj: JsonMap, path: readonly string[]): JsonMap {
  let cur = obj;
  for (const p of path) {
    const next = cur[p];
    if (isMap(next)) cur = next;
    else {
      const made: JsonMap = {};
      cur[p] = made;
      cur = made;
    }
  }
  return cur;
}

/** RFC 3339 timestamp with second precision, as the API server writes them. */
export function nowTime(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}
