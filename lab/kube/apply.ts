// Server-side apply (helm 4's default): keep the last applied object per field manager, drop what it stopped applying.
import { badRequest } from "./errors.js";
import type { Objects, WriteOptions } from "./objects.js";
import { diffForApply, strategicMergePatch } from "./patch-strategic.js";
import type { ResourceType } from "./resources.js";
import { clone, isMap, type JsonMap, type KObject } from "./types.js";

/** Apply `applied` as `manager`: create when missing, otherwise merge it over the live object. */
export function serverSideApply(
  objects: Objects,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  applied: unknown,
  manager: string,
  opts: WriteOptions = {},
): { object: KObject; created: boolean } {
  if (!isMap(applied)) throw badRequest("apply patch must be an object");
  if (!manager) throw badRequest("PATCH with apply requires the fieldManager parameter");
  const body = clone(applied);
  const meta: JsonMap = isMap(body.metadata) ? body.metadata : {};
  body.metadata = meta;
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  meta.name = name;
  delete meta.resourceVersion;
  const remember = (o: KObject) => {
    if (opts.dryRun || !o.metadata.uid) return;
    const m = objects.store.applied.get(o.metadata.uid) ?? new Map<string, JsonMap>();
    m.set(manager, body);
    objects.store.applied.set(o.metadata.uid, m);
  };
  const cur = objects.store.get(t, namespace, name);
  if (!cur) {
    const created = objects.create(t, namespace, body, opts);
    remember(created);
    return { object: created, created: true };
  }
  const prev = objects.store.applied.get(cur.metadata.uid ?? "")?.get(manager);
  const patch = diffForApply(prev, body);
  const merged = strategicMergePatch(cur as unknown as JsonMap, patch) as KObject;
  merged.metadata.resourceVersion = cur.metadata.resourceVersion;
  const updated = objects.update(t, namespace, name, merged, opts);
  remember(updated);
  return { object: updated, created: false };
}
