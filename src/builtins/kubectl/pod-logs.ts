// The tail of pod logs (every container unless one is named), redacted, for kubectl.logs and failed jobs.
import type { V1Pod } from "@kubernetes/client-node";
import type { Redactor } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { KubeClients } from "./kube-client.js";
import { kubeError } from "./kube-errors.js";

/** One container's log tail. */
export interface LogEntry {
  pod: string;
  container: string;
  text: string;
}

/** Its CEL type. */
export const logEntryType = T.object("kubectl.logEntry", {
  pod: T.string,
  container: T.string,
  text: T.string,
});

/** Pods matching a label selector, oldest first. */
export async function podsBySelector(c: KubeClients, labelSelector: string): Promise<V1Pod[]> {
  try {
    const list = await c.core.listNamespacedPod({ namespace: c.namespace, labelSelector });
    const time = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
    return (list.items as V1Pod[]).sort(
      (a, b) => time(a) - time(b) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""),
    );
  } catch (error) {
    throw kubeError(error, `pods ${c.namespace} -l ${labelSelector}`);
  }
}

/** The last `tail` lines of each pod's containers. */
export async function podLogs(
  c: KubeClients,
  pods: readonly V1Pod[],
  opts: { container?: string; tail: number; previous?: boolean },
  redactor: Redactor,
): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const containers = opts.container ? [opts.container] : (pod.spec?.containers ?? []).map((x) => x.name);
    for (const container of containers) {
      try {
        const text = await c.core.readNamespacedPodLog({
          name,
          namespace: c.namespace,
          container,
          tailLines: opts.tail,
          ...(opts.previous ? { previous: true } : {}),
        });
        out.push({ pod: name, container, text: redactor.redact(String(text ?? "")) });
      } catch (error) {
        throw kubeError(error, `logs of ${c.namespace}/${name} container ${container}`);
      }
    }
  }
  return out;
}

/** All entries as one text, each block headed by pod/container. */
export function joinLogs(entries: readonly LogEntry[]): string {
  return entries.map((e) => `==> ${e.pod}/${e.container} <==\n${e.text.replace(/\n?$/, "\n")}`).join("");
}
