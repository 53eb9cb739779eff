// What a rendered release holds: its objects (hooks marked), their images, and the values helm computed.
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";

/** One object of a rendered manifest (Secret data is never read). */
export interface RenderedObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** helm.sh/hook events (empty for an ordinary object). */
  hookEvents: string[];
  hookWeight: number;
  /** Images of every container and init container of a workload (a pod template or a pod). */
  images: string[];
}

/** The CEL type of a rendered object. */
export const renderedObjectType = T.object("helm.renderedObject", {
  kind: T.string,
  apiVersion: T.string,
  name: T.string,
  namespace: T.string,
  labels: T.map(T.string, T.string),
  hookEvents: T.list(T.string),
  hookWeight: T.int,
  images: T.list(T.string),
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function podSpecOf(o: Obj): Obj | undefined {
  const spec = isObj(o.spec) ? o.spec : undefined;
  if (!spec) return undefined;
  if (str(o.kind) === "Pod") return spec;
  if (str(o.kind) === "CronJob") {
    const job = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return job && isObj(job.template) && isObj(job.template.spec) ? job.template.spec : undefined;
  }
  return isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
}

function imagesOf(o: Obj): string[] {
  const pod = podSpecOf(o);
  if (!pod) return [];
  const containers = [pod.initContainers, pod.containers].flatMap((c) => (Array.isArray(c) ? c : []));
  return containers.flatMap((c) => (isObj(c) && str(c.image) ? [str(c.image)] : []));
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/**
 * Every object of a multi-document manifest; `namespace` defaults to the release's. The YAML parser is loaded
 * here, when a preview runs, so `rbx --version` and `rbx schema` stay without it.
 */
export async function renderedObjects(manifest: string, namespace: string): Promise<RenderedObject[]> {
  const { parseAllDocuments } = await import("yaml");
  const out: RenderedObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (!("toJS" in doc)) continue;
    const o: unknown = doc.toJS();
    if (!isObj(o) || !str(o.kind)) continue;
    const meta = isObj(o.metadata) ? o.metadata : {};
    const annotations = stringMap(meta.annotations);
    const hook = annotations["helm.sh/hook"] ?? "";
    out.push({
      kind: str(o.kind),
      apiVersion: str(o.apiVersion),
      name: str(meta.name),
      namespace: str(meta.namespace) || namespace,
      labels: stringMap(meta.labels),
      hookEvents: hook
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e !== ""),
      hookWeight: Number.parseInt(annotations["helm.sh/hook-weight"] ?? "0", 10) || 0,
      images: imagesOf(o),
    });
  }
  return out;
}

/**
 * Helm's coalescing of user-supplied values over the chart's defaults: maps merge key by key, anything else
 * is replaced, and a user `null` deletes the default.
 */
export function coalesceValues(defaults: JsonValue | undefined, user: JsonValue | undefined): JsonValue {
  if (user === undefined) return defaults ?? {};
  if (!isObj(user) || !isObj(defaults)) return user;
  const out: Record<string, JsonValue> = { ...(defaults as Record<string, JsonValue>) };
  for (const [k, v] of Object.entries(user as Record<string, JsonValue>)) {
    if (v === null) delete out[k];
    else out[k] = coalesceValues(out[k], v);
  }
  return out;
}
