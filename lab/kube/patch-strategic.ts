// Strategic merge patch: maps merge, keyed lists merge by their patch merge key, plus the $-directives.
import { clone, isMap, type JsonMap } from "./types.js";

// Patch merge keys of the list fields the lab's kinds carry (from the Kubernetes API types' patchMergeKey tags).
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  imagePullSecrets: "name",
  resourceClaims: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  hostAliases: "ip",
  ownerReferences: "uid",
  conditions: "type",
  topologySpreadConstraints: "topologyKey",
};

// Lists of scalars whose patch strategy is "merge" (a set union) rather than replace.
const PRIMITIVE_MERGE = new Set(["finalizers"]);

function mergeKeyFor(field: string, ...lists: unknown[][]): string | undefined {
  if (field === "ports") {
    const any = lists.flat().find(isMap);
    return any && "containerPort" in any ? "containerPort" : "port";
  }
  return MERGE_KEYS[field];
}

/** Apply a strategic merge patch to an object; returns the patched copy. */
export function strategicMergePatch(original: JsonMap, patch: JsonMap): JsonMap {
  return mergeMap(original, patch) ?? {};
}

function mergeMap(orig: JsonMap | undefined, patch: JsonMap): JsonMap | undefined {
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") return mergeMap(undefined, { ...patch, $patch: undefined }) ?? {};
  const out: JsonMap = orig ? clone(orig) : {};
  const orders: [string, unknown[]][] = [];
  const deletions: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys") continue;
    if (k.startsWith("$setElementOrder/")) {
      orders.push([k.slice("$setElementOrder/".length), Array.isArray(v) ? v : []]);
    } else if (k.startsWith("$deleteFromPrimitiveList/")) {
      deletions.push([k.slice("$deleteFromPrimitiveList/".length), Array.isArray(v) ? v : []]);
    } else if (v === null || v === undefined) delete out[k];
    else if (isMap(v)) {
      const merged = mergeMap(isMap(out[k]) ? (out[k] as JsonMap) : undefined, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) out[k] = mergeList(k, Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v);
    else out[k] = v;
  }
  for (const [k, del] of deletions) {
    const cur = out[k];
    if (Array.isArray(cur)) out[k] = cur.filter((x) => !del.includes(x));
  }
  for (const [k, order] of orders) {
    const cur = out[k];
    if (Array.isArray(cur)) out[k] = reorder(k, cur, order);
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(field: string, orig: unknown[], patch: unknown[]): unknown[] {
  const replace = patch.some((x) => isMap(x) && x.$patch === "replace");
  const items = patch.filter((x) => !(isMap(x) && x.$patch === "replace"));
  const key = mergeKeyFor(field, orig, patch);
  if (replace || key === undefined) {
    if (!replace && PRIMITIVE_MERGE.has(field)) return [...orig, ...items.filter((x) => !orig.includes(x))];
    return items.map((x) => (isMap(x) ? (mergeMap(undefined, x) ?? {}) : clone(x)));
  }
  const out = orig.map((x) => clone(x));
  for (const item of items) {
    if (!isMap(item)) continue;
    const idx = out.findIndex((x) => isMap(x) && x[key] === item[key]);
    if (item.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    const existing = idx >= 0 ? out[idx] : undefined;
    const merged = mergeMap(isMap(existing) ? existing : undefined, item) ?? {};
    if (idx >= 0) out[idx] = merged;
    else out.push(merged);
  }
  return out;
}

// $setElementOrder: listed items first in the given order, the others after in their current order.
function reorder(field: string, list: unknown[], order: unknown[]): unknown[] {
  const key = mergeKeyFor(field, list, order);
  const id = (x: unknown) => (key && isMap(x) ? x[key] : x);
  const wanted = order.map(id);
  const ranked = list.filter((x) => wanted.includes(id(x)));
  ranked.sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  return [...ranked, ...list.filter((x) => !wanted.includes(id(x)))];
}

/** The patch that turns `prev` into `next` for SSA: removed keys → null, removed keyed items → $patch: delete. */
export function diffForApply(prev: unknown, next: JsonMap): JsonMap {
  const out: JsonMap = {};
  const p = isMap(prev) ? prev : {};
  for (const k of Object.keys(p)) if (!(k in next)) out[k] = null;
  for (const [k, v] of Object.entries(next)) {
    const old = p[k];
    if (isMap(v)) out[k] = diffForApply(old, v);
    else if (Array.isArray(v) && Array.isArray(old)) {
      const key = mergeKeyFor(k, old, v);
      if (key === undefined) out[k] = clone(v);
      else {
        const gone = old.filter((o) => isMap(o) && !v.some((n) => isMap(n) && n[key] === o[key]));
        const kept = v.map((n) => {
          const before = old.find((o) => isMap(o) && isMap(n) && o[key] === n[key]);
          return isMap(n) ? diffForApply(before, n) : clone(n);
        });
        out[k] = [...kept, ...gone.map((o) => ({ [key]: (o as JsonMap)[key], $patch: "delete" }))];
        out[`$setElementOrder/${k}`] = v.map((n) => (isMap(n) ? { [key]: n[key] } : n));
      }
    } else out[k] = clone(v);
  }
  return out;
}
