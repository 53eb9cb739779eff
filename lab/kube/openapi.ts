// OpenAPI v3 stubs: kubectl and helm refuse to write without them; one PATCH operation per kind suffices.
import { createHash } from "node:crypto";
import type { ApiContext } from "./context.js";
import type { ResourceType } from "./resources.js";
import type { JsonMap } from "./types.js";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function gvs(ctx: ApiContext): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const t of ctx.registry.types) seen.set(gvPath(t.group, t.version), [t.group, t.version]);
  return [...seen.values()];
}

/** GET /openapi/v3: where each group version's document lives. */
export function openapiRoot(ctx: ApiContext): JsonMap {
  const paths: JsonMap = {};
  for (const [g, v] of gvs(ctx)) {
    const p = gvPath(g, v);
    const hash = createHash("sha256")
      .update(JSON.stringify(openapiDoc(ctx, g, v)))
      .digest("hex")
      .slice(0, 32);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

function itemPath(t: ResourceType): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  return t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}/{name}` : `${base}/${t.plural}/{name}`;
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/{g}/{v}: a stub carrying x-kubernetes-group-version-kind. */
export function openapiDoc(ctx: ApiContext, group: string, version: string): JsonMap | undefined {
  const types = ctx.registry.types.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: JsonMap = {};
  for (const t of types) {
    paths[itemPath(t)] = {
      patch: {
        operationId: `patch${t.kind}`,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: t.group, version: t.version, kind: t.kind },
        parameters: [
          { name: "dryRun", in: "query", schema: { type: "string", uniqueItems: true } },
          { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
          { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
        ],
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: ctx.version.gitVersion },
    paths,
    components: { schemas: {} },
  };
}
