// @kubernetes/client-node loaded lazily and configured from a kubernetes connection (kubeconfig, context, namespace).

import { join } from "node:path";
import type { CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
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
}

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
  return {
    kc,
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    core: kc.makeApiClient(k8s.CoreV1Api),
    namespace,
    connection: conn.name,
  };
}
