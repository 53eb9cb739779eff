// The Kubernetes API stand-in: an HTTP server on loopback that real kubectl, helm and client-node talk to.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { ApiSwitch } from "./api-switch.js";
import type { ApiContext } from "./context.js";
import { ControllerManager } from "./controllers/manager.js";
import { coreVersions, groupList, groupOne, resourceList, versionDoc } from "./discovery.js";
import { ApiError } from "./errors.js";
import { sendError, sendJson } from "./http.js";
import { createLabNode } from "./node.js";
import { Objects } from "./objects.js";
import { openapiDoc, openapiRoot } from "./openapi.js";
import type { PodRuntime } from "./pod-runtime.js";
import { type CustomResourceConfig, ResourceRegistry } from "./resources.js";
import { handleResource, type ResourceRoute } from "./rest.js";
import { simulatedRuntime } from "./sim-runtime.js";
import { Store } from "./store.js";
import type { ServingCert } from "./tls.js";

/** How to start the stand-in. */
export interface KubeStandInOptions {
  /** Listen address; loopback only (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Custom resources to serve (and run the operator for, when configured). */
  customResources?: CustomResourceConfig[];
  /** Who runs pod containers (default: the simulated runtime). */
  runtime?: PodRuntime;
  /** Kubernetes version reported at /version (default 1.33.0, within skew of kubectl 1.32 and 1.34). */
  kubernetesVersion?: string;
  /** Namespaces to create at start besides default, kube-system and kube-public. */
  namespaces?: string[];
  /** Period of the controllers' timer (default 250 ms). */
  controllerIntervalMs?: number;
  /** Events kept for watch replay (default 20000); older resourceVersions get 410 Expired. */
  eventLogLimit?: number;
  /**
   * A bearer token every request but /version and the health checks must carry (default: none required).
   * Clients send tokens only over TLS, so a token needs `tls`.
   */
  token?: string;
  /** Serve HTTPS with this key and certificate (default: plain HTTP). */
  tls?: ServingCert;
}

/** A running stand-in. */
export interface KubeStandIn {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  objects: Objects;
  store: Store;
  controllers: ControllerManager;
  /** Faults of the API server itself: stop/start (objects kept), hang; and the token it requires. */
  api: ApiSwitch;
  /** Close every connection and stop every pod (by its runtime). */
  stop(): Promise<void>;
}

function route(ctx: ApiContext, path: string): { doc?: unknown; resource?: ResourceRoute } {
  const seg = path.split("/").filter((s) => s !== "");
  const notFound = new ApiError(404, "NotFound", "the server could not find the requested resource");
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === "api") {
    if (seg.length === 1) return { doc: coreVersions("127.0.0.1") };
    [group, version, rest] = ["", seg[1] ?? "", seg.slice(2)];
  } else if (seg[0] === "apis") {
    if (seg.length === 1) return { doc: groupList(ctx) };
    if (seg.length === 2) return { doc: groupOne(ctx, seg[1] ?? "") ?? throwIt(notFound) };
    [group, version, rest] = [seg[1] ?? "", seg[2] ?? "", seg.slice(3)];
  } else throw notFound;
  if (rest.length === 0) return { doc: resourceList(ctx, group, version) ?? throwIt(notFound) };
  const reg = ctx.registry;
  const nsType =
    rest[0] === "namespaces" && rest.length >= 3 ? reg.byPlural(group, version, rest[2] ?? "") : undefined;
  if (nsType?.namespaced) {
    return { resource: { t: nsType, namespace: rest[1], name: rest[3], sub: rest[4] } };
  }
  const t = reg.byPlural(group, version, rest[0] ?? "");
  if (!t || rest.length > 3) throw notFound;
  if (t.namespaced && rest.length > 1) throw notFound;
  return { resource: { t, name: rest[1], sub: rest[2] } };
}

function throwIt(e: Error): never {
  throw e;
}

async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/version") return sendJson(res, 200, versionDoc(ctx));
  if (path === "/healthz" || path === "/readyz" || path === "/livez") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    return void res.end("ok");
  }
  if (path === "/openapi/v3") return sendJson(res, 200, openapiRoot(ctx));
  const oa = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (oa) {
    const doc = oa[1] ? openapiDoc(ctx, "", "v1") : openapiDoc(ctx, oa[2] ?? "", oa[3] ?? "");
    if (!doc) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return sendJson(res, 200, doc);
  }
  const r = route(ctx, path);
  if (r.resource) return handleResource(ctx, req, res, r.resource, url.searchParams);
  if ((req.method ?? "GET") !== "GET")
    throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method");
  return sendJson(res, 200, r.doc);
}

/** Start the stand-in; call stop() in a finally/afterAll. */
export async function startKubeStandIn(options: KubeStandInOptions = {}): Promise<KubeStandIn> {
  const host = options.host ?? "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1")
    throw new Error("the stand-in listens on loopback only");
  const customs = options.customResources ?? [];
  const registry = new ResourceRegistry(customs);
  const store = new Store(options.eventLogLimit);
  const objects = new Objects(store, registry);
  const controllers = new ControllerManager(
    objects,
    options.runtime ?? simulatedRuntime(),
    customs,
    options.controllerIntervalMs,
  );
  const closing = new AbortController();
  const [major, minor, patch] = (options.kubernetesVersion ?? "1.33.0").split(".");
  const ctx: ApiContext = {
    store,
    objects,
    registry,
    pods: controllers.pods,
    version: { major: major ?? "1", minor: minor ?? "33", gitVersion: `v${major}.${minor}.${patch ?? "0"}` },
    closing: closing.signal,
  };
  for (const ns of ["default", "kube-system", "kube-public", ...(options.namespaces ?? [])]) {
    objects.create(objects.namespaceType, undefined, { metadata: { name: ns } });
  }
  createLabNode(objects, ctx.version.gitVersion);
  let api: ApiSwitch | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (api?.intercept(req, res)) return;
    handle(ctx, req, res).catch((err) => sendError(res, err));
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer(listener);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  controllers.start();
  const port = (server.address() as AddressInfo).port;
  api = new ApiSwitch(server, host, port, options.token);
  const apiSwitch = api;
  let stopped: Promise<void> | undefined;
  return {
    url: `${options.tls ? "https" : "http"}://${host}:${port}`,
    port,
    objects,
    store,
    controllers,
    api: apiSwitch,
    stop: () => {
      stopped ??= (async () => {
        closing.abort();
        await controllers.stop();
        await apiSwitch.stop();
      })();
      return stopped;
    },
  };
}
