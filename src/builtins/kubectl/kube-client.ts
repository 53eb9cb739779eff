// @kubernetes/client-node loaded lazily and configured from a kubernetes connection (kubeconfig, context, namespace).

import { existsSync } from "node:fs";
import { join } from "node:path";
import type {
  Configuration,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node";
import type { ActionContext, PlanContext } from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import { ActionError, messageOf } from "../shared/action-error.js";
import { pickConnection, stringField } from "../shared/connection.js";

/** Clients for one step, plus the namespace it works in. */
export interface KubeClients {
  kc: KubeConfig;
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  namespace: string;
  connection: string;
  /** Clients of another API group, with the same bounded requests (`BatchV1Api`...). */
  api<T>(type: new (configuration: Configuration) => T): T;
  /** Abandon every request still open (a hung API's sockets would keep the process alive). */
  close(): void;
}

/**
 * No single API request lives longer than this, whatever the caller waits for: a request to a hung API is
 * abandoned (its socket closed) instead of holding the process open for minutes after the step ended.
 */
export const REQUEST_LIFETIME_MS = 30_000;

/** The namespace a step works in without contacting the cluster (for plans). */
export function planNamespace(
  ctx: Pick<PlanContext, "connections">,
  args: { connection?: string; namespace?: string },
): string {
  const conn = pickConnection(ctx.connections, "kubernetes", args.connection);
  return args.namespace ?? stringField(conn, "namespace") ?? "<context namespace>";
}

/** The kubeconfig of a kubernetes connection, loaded, with its context selected; the file it came from. */
export async function loadKubeConfig(
  conn: ResolvedConnection,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ kc: KubeConfig; k8s: typeof import("@kubernetes/client-node") }> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  const file =
    stringField(conn, "kubeconfig") ??
    env.KUBECONFIG?.split(":")[0] ??
    (env.HOME ? join(env.HOME, ".kube", "config") : undefined);
  // In a pod (a submitted run) without a kubeconfig file: the ServiceAccount's in-cluster config.
  const inCluster =
    stringField(conn, "kubeconfig") === undefined &&
    env.KUBERNETES_SERVICE_HOST !== undefined &&
    (file === undefined || !existsSync(file));
  try {
    if (inCluster) kc.loadFromCluster();
    else if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new ActionError(
      "invalid-kubeconfig",
      `Cannot load the kubeconfig ${file ?? "(default)"}: ${messageOf(cause)}`,
      {
        cause,
      },
    );
  }
  const context = stringField(conn, "context");
  if (context) {
    if (!kc.getContextObject(context)) {
      throw new ActionError("invalid-kubeconfig", `The kubeconfig has no context "${context}"`);
    }
    kc.setCurrentContext(context);
  }
  return { kc, k8s };
}

/** The namespace a connection works in: the step's, the connection's, the context's, else `default`. */
export function connectionNamespace(conn: ResolvedConnection, kc: KubeConfig, override?: string): string {
  return (
    override ??
    stringField(conn, "namespace") ??
    kc.getContextObject(kc.getCurrentContext())?.namespace ??
    "default"
  );
}

/**
 * An API configuration as kc.makeApiClient builds it, plus a signal on every request: `signals` (the step's,
 * the clients' close()) and a lifetime, so no request to a hung API holds the process open.
 */
export function boundedConfiguration(
  k8s: typeof import("@kubernetes/client-node"),
  kc: KubeConfig,
  signals: readonly AbortSignal[],
): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new ActionError("invalid-kubeconfig", "The kubeconfig has no cluster for its current context");
  const bounded = {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.any([...signals, AbortSignal.timeout(REQUEST_LIFETIME_MS)]));
      return context;
    },
    post: async (context: ResponseContext) => context,
  };
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [bounded],
  });
}

/** Build clients from the connection named in args (or the only kubernetes one). */
export async function kubeClients(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
): Promise<KubeClients> {
  const conn = pickConnection(ctx.connections, "kubernetes", args.connection);
  const { kc, k8s } = await loadKubeConfig(conn, ctx.env);
  const namespace = connectionNamespace(conn, kc, args.namespace);
  const closed = new AbortController();
  const configuration = boundedConfiguration(k8s, kc, [ctx.signal, closed.signal]);
  const objects = new k8s.KubernetesObjectApi(configuration);
  (objects as unknown as { setDefaultNamespace(kc: KubeConfig): string }).setDefaultNamespace(kc);
  return {
    kc,
    objects,
    core: new k8s.CoreV1Api(configuration),
    namespace,
    connection: conn.name,
    api: (type) => new type(configuration),
    close: () => closed.abort(),
  };
}
