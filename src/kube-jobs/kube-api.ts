// The few Kubernetes calls submitting and watching a run need, through @kubernetes/client-node.
import { join } from "node:path";
import type { KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import type { KubeObject } from "./job-objects.js";

/** Which cluster: a kubeconfig file and context (defaults: KUBECONFIG, ~/.kube/config, in-cluster). */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

/** A connected client for a run's Job. */
export interface KubeApi {
  /** The API server URL (for messages). */
  server: string;
  create(obj: KubeObject): Promise<KubeObject>;
  read(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  mergePatch(obj: KubeObject): Promise<KubeObject>;
  list(apiVersion: string, kind: string, namespace: string, labelSelector: string): Promise<KubeObject[]>;
  remove(apiVersion: string, kind: string, namespace: string, name: string): Promise<void>;
  /** The last lines a pod's container wrote (empty when they cannot be read). */
  logTail(namespace: string, pod: string, lines: number): Promise<string>;
}

/** A Kubernetes API error said in one line: its Status message, else the client's. */
export function kubeMessage(err: unknown): string {
  const e = err as { body?: unknown; code?: number; message?: string };
  let body = e.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: the message below says it
    }
  }
  const status = body as { message?: string } | undefined;
  return status?.message ?? e.message ?? String(err);
}

function notFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

/** Load the kubeconfig the operator's tools would use and make the client. */
export async function connectKube(
  target: KubeTarget,
  env: Readonly<Record<string, string | undefined>>,
): Promise<KubeApi> {
  const k8s = await import("@kubernetes/client-node");
  const kc: KubeConfig = new k8s.KubeConfig();
  const file =
    target.kubeconfig ??
    env.KUBECONFIG?.split(":")[0] ??
    (env.HOME ? join(env.HOME, ".kube", "config") : undefined);
  const { existsSync } = await import("node:fs");
  if (file && existsSync(file)) kc.loadFromFile(file);
  else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else throw new Error(`no kubeconfig at ${file ?? "~/.kube/config"} (give --kubeconfig, or set KUBECONFIG)`);
  if (target.context) {
    if (!kc.getContextObject(target.context))
      throw new Error(`the kubeconfig has no context "${target.context}"`);
    kc.setCurrentContext(target.context);
  }
  const api: KubernetesObjectApi = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const header = (apiVersion: string, kind: string, namespace: string, name: string) => ({
    apiVersion,
    kind,
    metadata: { name, namespace },
  });
  return {
    server: kc.getCurrentCluster()?.server ?? "(unknown server)",
    create: async (obj) => (await api.create(obj)) as KubeObject,
    read: async (apiVersion, kind, namespace, name) => {
      try {
        return (await api.read(header(apiVersion, kind, namespace, name))) as KubeObject;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    mergePatch: async (obj) =>
      (await api.patch(
        obj,
        undefined,
        undefined,
        "rbx",
        undefined,
        k8s.PatchStrategy.MergePatch,
      )) as KubeObject,
    list: async (apiVersion, kind, namespace, labelSelector) =>
      (await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector))
        .items as KubeObject[],
    logTail: async (namespace, name, lines) => {
      try {
        return await core.readNamespacedPodLog({ name, namespace, tailLines: lines });
      } catch {
        return "";
      }
    },
    remove: async (apiVersion, kind, namespace, name) => {
      try {
        await api.delete(header(apiVersion, kind, namespace, name));
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    },
  };
}
