// REST verbs on one resource type: list, get, create, update, patch, delete, plus status, scale and log.
import type { IncomingMessage, ServerResponse } from "node:http";
import { serverSideApply } from "./apply.js";
import type { ApiContext } from "./context.js";
import { ApiError, badRequest, methodNotAllowed, notFound, unsupportedMedia } from "./errors.js";
import { evictPod } from "./eviction.js";
import { decodeBody, mediaType, readBody, sendJson } from "./http.js";
import { jsonPatch, mergePatch } from "./patch-json.js";
import { strategicMergePatch } from "./patch-strategic.js";
import { apiVersionOf, BUILTIN_TYPES, type ResourceType } from "./resources.js";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorString,
} from "./selectors.js";
import { toTable, wantsTable } from "./table.js";
import { isMap, type JsonMap, type KObject } from "./types.js";
import { serveWatch } from "./watch.js";

/** A parsed resource URL. */
export interface ResourceRoute {
  t: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

/** Dispatch one request on a resource route. */
export async function handleResource(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  const { t, namespace, name, sub } = route;
  if (sub && !t.subresources.includes(sub))
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  const dryRun = query.getAll("dryRun").includes("All");
  const method = req.method ?? "GET";
  if (!name) {
    if (method === "GET" && ["true", "1"].includes(query.get("watch") ?? ""))
      return serveWatch(ctx, req, res, t, namespace, query);
    if (method === "GET") {
      const list = listOf(ctx, t, namespace, query);
      if (!wantsTable(req)) return sendJson(res, 200, list);
      const rv = (list.metadata as JsonMap).resourceVersion as string;
      return sendJson(res, 200, toTable(t.kind, list.items as KObject[], rv, query.get("includeObject")));
    }
    if (method === "POST") {
      const body = await decodeBody(await readBody(req), mediaType(req));
      return sendJson(res, 201, ctx.objects.create(t, namespace, body, { dryRun }));
    }
    if (method === "DELETE") return sendJson(res, 200, deleteCollection(ctx, t, namespace, query, dryRun));
    throw methodNotAllowed(method);
  }
  if (sub === "log" && method === "GET") return serveLog(ctx, req, res, namespace ?? "", name, query);
  if (sub === "eviction") {
    if (method !== "POST") throw methodNotAllowed(method);
    const body = await decodeBody(await readBody(req), mediaType(req));
    return sendJson(res, 201, evictPod(ctx, t, namespace ?? "", name, body));
  }
  const status = sub === "status";
  switch (method) {
    case "GET": {
      const o = ctx.store.get(t, namespace, name);
      if (!o) throw notFound(t, name);
      if (sub === "scale") return sendJson(res, 200, scaleOf(o));
      if (wantsTable(req) && !sub) {
        return sendJson(
          res,
          200,
          toTable(t.kind, [o], o.metadata.resourceVersion ?? "", query.get("includeObject")),
        );
      }
      return sendJson(res, 200, o);
    }
    case "PUT": {
      const body = await decodeBody(await readBody(req), mediaType(req));
      if (sub === "scale") return sendJson(res, 200, writeScale(ctx, route, body, dryRun));
      return sendJson(res, 200, ctx.objects.update(t, namespace, name, body, { dryRun, status }));
    }
    case "PATCH":
      return patch(ctx, req, res, route, query, dryRun);
    case "DELETE": {
      const opts = await decodeBody(await readBody(req), mediaType(req));
      const o = isMap(opts) ? opts : {};
      const propagation = query.get("propagationPolicy") ?? (o.propagationPolicy as string | undefined);
      const dry = dryRun || (Array.isArray(o.dryRun) && o.dryRun.includes("All"));
      const grace = Number(query.get("gracePeriodSeconds") ?? o.gracePeriodSeconds ?? Number.NaN);
      return sendJson(
        res,
        200,
        ctx.objects.delete(t, namespace, name, {
          dryRun: dry,
          propagation,
          ...(Number.isInteger(grace) && grace >= 0 ? { gracePeriodSeconds: grace } : {}),
        }),
      );
    }
    default:
      throw methodNotAllowed(method);
  }
}

function listOf(
  ctx: ApiContext,
  t: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): JsonMap {
  const labels = parseLabelSelector(query.get("labelSelector") ?? "");
  const fields = parseFieldSelector(query.get("fieldSelector") ?? "");
  const items = ctx.store
    .list(t, namespace)
    .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
  return {
    kind: `${t.kind}List`,
    apiVersion: apiVersionOf(t),
    metadata: { resourceVersion: String(ctx.store.currentRv()) },
    items,
  };
}

function deleteCollection(
  ctx: ApiContext,
  t: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
  dryRun: boolean,
): JsonMap {
  const list = listOf(ctx, t, ns, q);
  const items = (list.items as KObject[]).map((o) =>
    ctx.objects.delete(t, o.metadata.namespace, o.metadata.name, { dryRun }),
  );
  return { ...list, items };
}

const CUSTOM_SMP = new Set(BUILTIN_TYPES.map((t) => `${t.group}/${t.plural}`));

async function patch(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
  dryRun: boolean,
): Promise<void> {
  const { t, namespace, sub } = route;
  const name = route.name ?? "";
  const media = mediaType(req);
  const raw = await readBody(req);
  if (media === "application/apply-patch+yaml" && !sub) {
    const applied = await decodeBody(
      raw,
      raw.toString("utf8").trimStart().startsWith("{") ? "application/json" : "application/yaml",
    );
    const r = serverSideApply(ctx.objects, t, namespace, name, applied, query.get("fieldManager") ?? "", {
      dryRun,
    });
    return sendJson(res, r.created ? 201 : 200, r.object);
  }
  const known = [
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/strategic-merge-patch+json",
  ];
  if (!known.includes(media)) throw unsupportedMedia(media);
  const cur = ctx.store.get(t, namespace, name);
  if (!cur) throw notFound(t, name);
  const target: unknown = sub === "scale" ? scaleOf(cur) : cur;
  const body = await decodeBody(raw, "application/json");
  let patched: unknown;
  if (media === "application/merge-patch+json") patched = mergePatch(target, body);
  else if (media === "application/json-patch+json") patched = jsonPatch(target, body);
  else if (media === "application/strategic-merge-patch+json") {
    if (!CUSTOM_SMP.has(`${t.group}/${t.plural}`))
      throw unsupportedMedia(media, [
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/apply-patch+yaml",
      ]);
    if (!isMap(body)) throw badRequest("strategic merge patch must be an object");
    patched = strategicMergePatch(target as JsonMap, body);
  } else throw unsupportedMedia(media);
  if (sub === "scale") return sendJson(res, 200, writeScale(ctx, route, patched, dryRun));
  return sendJson(
    res,
    200,
    ctx.objects.update(t, namespace, name, patched, { dryRun, status: sub === "status" }),
  );
}

/** The autoscaling/v1 Scale view of a Deployment or ReplicaSet. */
function scaleOf(o: KObject): JsonMap {
  const spec = isMap(o.spec) ? o.spec : {};
  const status = isMap(o.status) ? o.status : {};
  const m = o.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

function writeScale(ctx: ApiContext, route: ResourceRoute, body: unknown, dryRun: boolean): JsonMap {
  const { t, namespace } = route;
  const name = route.name ?? "";
  const cur = ctx.store.get(t, namespace, name);
  if (!cur) throw notFound(t, name);
  const replicas = isMap(body) && isMap(body.spec) ? body.spec.replicas : undefined;
  if (typeof replicas !== "number" || replicas < 0)
    throw badRequest("Scale spec.replicas must be a non-negative number");
  const next = { ...cur, spec: { ...(isMap(cur.spec) ? cur.spec : {}), replicas } };
  return scaleOf(ctx.objects.update(t, namespace, name, next, { dryRun }));
}

async function serveLog(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  namespace: string,
  name: string,
  query: URLSearchParams,
): Promise<void> {
  const podType = ctx.registry.byKind("", "Pod") as ResourceType;
  if (!ctx.store.get(podType, namespace, name)) throw notFound(podType, name);
  const tail = query.get("tailLines");
  const cut = (s: string) =>
    tail === null
      ? s
      : s
          .split(/(?<=\n)/)
          .slice(-Number(tail))
          .join("");
  res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  res.write(cut(ctx.pods.logs(namespace, name) ?? ""));
  if (query.get("follow") !== "true") return void res.end();
  let full = ctx.pods.logs(namespace, name) ?? "";
  const timer = setInterval(() => {
    const now = ctx.pods.logs(namespace, name) ?? "";
    if (now.length > full.length) res.write(now.slice(full.length));
    full = now;
    if (
      ctx.pods.finished(namespace, name) ||
      ctx.closing.aborted ||
      !ctx.store.get(podType, namespace, name)
    ) {
      clearInterval(timer);
      res.end();
    }
  }, 200);
  req.on("close", () => clearInterval(timer));
}
