// JSON merge patch (RFC 7386) and JSON patch (RFC 6902), as kubectl patch and rollout undo send them.
import { ApiError } from "./errors.js";
import { clone, isMap, type JsonMap, jsonEqual } from "./types.js";

/** RFC 7386: maps merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const out: JsonMap = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new ApiError(422, "Invalid", `json patch: invalid path "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: unknown, parts: string[], path: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isMap(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new ApiError(422, "Invalid", `json patch: path "${path}" does not exist`);
  }
  return { parent: cur, key: parts[parts.length - 1] ?? "" };
}

function read(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isMap(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new ApiError(422, "Invalid", `json patch: path "${path}" does not exist`);
  }
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) return parent.splice(Number(key), 1)[0];
  if (isMap(parent) && key in parent) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw new ApiError(422, "Invalid", `json patch: cannot remove missing "${path}"`);
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const idx = key === "-" ? parent.length : Number(key);
    if (replace) parent[idx] = clone(value);
    else parent.splice(idx, 0, clone(value));
  } else if (isMap(parent)) {
    if (replace && !(key in parent))
      throw new ApiError(422, "Invalid", `json patch: cannot replace missing "${path}"`);
    parent[key] = clone(value);
  } else throw new ApiError(422, "Invalid", `json patch: path "${path}" does not exist`);
  return doc;
}

/** RFC 6902: add, remove, replace, move, copy, test; a failed test is a 422. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError(400, "BadRequest", "json patch must be a list of operations");
  let doc = clone(target);
  for (const o of ops as Op[]) {
    switch (o.op) {
      case "add":
        doc = add(doc, o.path, o.value, false);
        break;
      case "replace":
        doc = add(doc, o.path, o.value, true);
        break;
      case "remove":
        remove(doc, o.path);
        break;
      case "move": {
        const v = remove(doc, o.from ?? "");
        doc = add(doc, o.path, v, false);
        break;
      }
      case "copy":
        doc = add(doc, o.path, read(doc, o.from ?? ""), false);
        break;
      case "test":
        if (!jsonEqual(read(doc, o.path), o.value)) {
          throw new ApiError(422, "Invalid", `json patch: test failed at "${o.path}"`);
        }
        break;
      default:
        throw new ApiError(400, "BadRequest", `json patch: unknown op "${o.op}"`);
    }
  }
  return doc;
}
