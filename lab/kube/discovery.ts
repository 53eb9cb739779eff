// Legacy discovery documents (/api, /apis, group versions) and /version, which every client reads first.
import type { ApiContext } from "./context.js";
import { apiVersionOf, type ResourceType, resourceVerbs } from "./resources.js";
import type { JsonMap } from "./types.js";

// Kinds `kubectl get all` covers.
const ALL_CATEGORY = new Set([
  "Pod",
  "Service",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
]);

/** GET /version. */
export function versionDoc(ctx: ApiContext): JsonMap {
  return {
    ...ctx.version,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** GET /api: the legacy core group's versions. */
export function coreVersions(host: string): JsonMap {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: host }],
  };
}

function groupDoc(name: string, versions: string[]): JsonMap {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** GET /apis: every named group (plain APIGroupList, so clients skip aggregated discovery). */
export function groupList(ctx: ApiContext): JsonMap {
  const groups = [...ctx.registry.groups()].map(([g, vs]) => groupDoc(g, vs));
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** GET /apis/{group}. */
export function groupOne(ctx: ApiContext, group: string): JsonMap | undefined {
  const vs = ctx.registry.groups().get(group);
  return vs ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(group, vs) } : undefined;
}

function subresourceEntry(t: ResourceType, sub: string): JsonMap {
  const base = { name: `${t.plural}/${sub}`, singularName: "", namespaced: t.namespaced };
  if (sub === "scale")
    return { ...base, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
  if (sub === "log") return { ...base, kind: "Pod", verbs: ["get"] };
  if (sub === "eviction")
    return { ...base, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] };
  return { ...base, kind: t.kind, verbs: ["get", "patch", "update"] };
}

/** GET /api/v1 or /apis/{group}/{version}: APIResourceList with verbs, shortNames and subresources. */
export function resourceList(ctx: ApiContext, group: string, version: string): JsonMap | undefined {
  const types = ctx.registry.types.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: JsonMap[] = [];
  for (const t of types) {
    const verbs = t.namespaced ? resourceVerbs() : resourceVerbs().filter((v) => v !== "deletecollection");
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(ALL_CATEGORY.has(t.kind) ? { categories: ["all"] } : {}),
    });
    for (const sub of t.subresources) resources.push(subresourceEntry(t, sub));
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(types[0] as ResourceType),
    resources,
  };
}
