// @kubernetes/client-node loaded lazily and configured from a kubernetes connection (kubeconfig, context, namespace).

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

/** Build clients from the connection named in args (or the only kubernetes one). */
export async function kubeClients(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
): Promise<KubeClients> {
  const conn = pickConnection(ctx.connections, "kubernetes", args.connection);
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  const file =
    stringField(conn, "kubeconfig") ??
    ctx.env.KUBECONFIG?.split(":")[0] ??
    (ctx.env.HOME ? join(ctx.env.HOME, ".kube", "config") : undefined);
  try {
    if (file) kc.loadFromFile(file);
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
  const namespace =
    args.namespace ??
    stringField(conn, "namespace") ??
    kc.getContextObject(kc.getCurrentContext())?.namespace ??
    "default";
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new ActionError("invalid-kubeconfig", "The kubeconfig has no cluster for its current context");
  // As kc.makeApiClient builds it, plus a signal on every request: the step's, the clients' close(), a lifetime.
  const closed = new AbortController();
  const bounded = {
    pre: async (context: RequestContext) => {
      context.setSignal(
        AbortSignal.any([ctx.signal, closed.signal, AbortSignal.timeout(REQUEST_LIFETIME_MS)]),
      );
      return context;
    },
    post: async (context: ResponseContext) => context,
  };
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [bounded],
  });
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
