// @kubernetes/client-node loaded lazily and configured from a kubernetes connection (kubeconfig, context, namespace).

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
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
}

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

/** Build clients from the connection named in args (or the only kubernetes one). */
export async function kubeClients(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
): Promise<KubeClients> {
  const conn = pickConnection(ctx.connections, "kubernetes", args.connection);
  const { kc, k8s } = await loadKubeConfig(conn, ctx.env);
  return {
    kc,
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    core: kc.makeApiClient(k8s.CoreV1Api),
    namespace: connectionNamespace(conn, kc, args.namespace),
    connection: conn.name,
  };
}
