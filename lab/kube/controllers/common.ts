// Helpers the controllers share: typed views, owner references, write-if-changed, template hashing.
import { type Objects, randomSuffix } from "../objects.js";
import type { ResourceType } from "../resources.js";
import { clone, isMap, type JsonMap, jsonEqual, type KObject, type OwnerReference } from "../types.js";

/** The types controllers read and write, resolved once. */
export interface Kinds {
  pod: ResourceType;
  rs: ResourceType;
  deploy: ResourceType;
  job: ResourceType;
  ns: ResourceType;
  sa: ResourceType;
  secret: ResourceType;
  cm: ResourceType;
  sts: ResourceType;
  ds: ResourceType;
  revision: ResourceType;
  node: ResourceType;
}

/** Resolve the built-in kinds the controllers use. */
export function kindsOf(objects: Objects): Kinds {
  const r = objects.registry;
  const get = (g: string, k: string) => r.byKind(g, k) as ResourceType;
  return {
    pod: get("", "Pod"),
    rs: get("apps", "ReplicaSet"),
    deploy: get("apps", "Deployment"),
    job: get("batch", "Job"),
    ns: get("", "Namespace"),
    sa: get("", "ServiceAccount"),
    secret: get("", "Secret"),
    cm: get("", "ConfigMap"),
    sts: get("apps", "StatefulSet"),
    ds: get("apps", "DaemonSet"),
    revision: get("apps", "ControllerRevision"),
    node: get("", "Node"),
  };
}

/** The spec (or an empty map). */
export function specOf(o: KObject): JsonMap {
  return isMap(o.spec) ? o.spec : {};
}

/** The status (or an empty map). */
export function statusOf(o: KObject): JsonMap {
  return isMap(o.status) ? o.status : {};
}

/** A number field, or the fallback. */
export function num(m: JsonMap, key: string, fallback = 0): number {
  const v = m[key];
  return typeof v === "number" ? v : fallback;
}

/** A controller ownerReference pointing at `owner`. */
export function controllerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `o` is controlled by the object with this uid. */
export function ownedBy(o: KObject, uid: string | undefined): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);
}

/** Store the new status of `o` when it differs from `before` (keeps resourceVersions quiet otherwise). */
export function writeStatus(objects: Objects, t: ResourceType, o: KObject, status: JsonMap): KObject {
  if (jsonEqual(o.status, status)) return o;
  const next = { ...o, status };
  return objects.store.put(t, next);
}

/** How a controller names, labels and places one pod made from a template. */
export interface PodShape {
  name?: string;
  labels?: Record<string, string>;
  spec?: JsonMap;
}

/** A new pod from a pod template (default: `owner`'s), controlled by `owner`; named `<owner>-<random>` unless given. */
export function podFromTemplate(
  objects: Objects,
  kinds: Kinds,
  owner: KObject,
  template: unknown = specOf(owner).template,
  shape: PodShape = {},
): KObject {
  const t = isMap(template) ? clone(template) : {};
  delete t.$patch;
  const meta = isMap(t.metadata) ? t.metadata : {};
  const labels = isMap(meta.labels) ? meta.labels : {};
  return objects.create(kinds.pod, owner.metadata.namespace, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...meta,
      ...(shape.labels ? { labels: { ...labels, ...shape.labels } } : {}),
      name: shape.name ?? `${owner.metadata.name}-${randomSuffix()}`,
      namespace: owner.metadata.namespace,
      ownerReferences: [controllerRef(owner)],
    },
    spec: { ...(isMap(t.spec) ? t.spec : {}), ...(shape.spec ?? {}) },
  });
}

/** Pod is terminated (Succeeded or Failed). */
export function podDone(p: KObject): boolean {
  const phase = statusOf(p).phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** Pod is being deleted (Terminating): no longer counted as an active replica. */
export function podTerminating(p: KObject): boolean {
  return p.metadata.deletionTimestamp !== undefined;
}

/** Pod's Ready condition is True. */
export function podReady(p: KObject): boolean {
  const conds = statusOf(p).conditions;
  return Array.isArray(conds) && conds.some((c) => isMap(c) && c.type === "Ready" && c.status === "True");
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** pod-template-hash: FNV-1a of the canonical template, encoded with the safe alphabet like the real controller. */
export function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(canonical(template))) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = "";
  for (const digit of String(h)) out += SAFE[Number(digit) % SAFE.length];
  let x = h;
  while (out.length < 10) {
    out += SAFE[x % SAFE.length];
    x = Math.floor(x / SAFE.length) + 7;
  }
  return out.slice(0, 10);
}

/** A condition entry; keeps lastTransitionTime when the status did not change. */
export function condition(
  previous: unknown,
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  now: string,
  extra: JsonMap = {},
): JsonMap {
  const prev = Array.isArray(previous) ? previous.find((c) => isMap(c) && c.type === type) : undefined;
  const same = isMap(prev) && prev.status === status;
  return {
    type,
    status,
    ...extra,
    lastTransitionTime: same ? prev.lastTransitionTime : now,
    reason,
    message,
  };
}
