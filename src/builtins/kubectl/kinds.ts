// Kind names as runbooks write them (deployment, deploy, Deployment) and the apiVersion of the built-in ones.
import { ActionError } from "../shared/action-error.js";

const KNOWN: Record<string, { kind: string; apiVersion: string }> = {};
for (const [kind, apiVersion, ...aliases] of [
  ["Pod", "v1", "pods", "po"],
  ["Service", "v1", "services", "svc"],
  ["ConfigMap", "v1", "configmaps", "cm"],
  ["Secret", "v1", "secrets"],
  ["Namespace", "v1", "namespaces", "ns"],
  ["ServiceAccount", "v1", "serviceaccounts", "sa"],
  ["PersistentVolumeClaim", "v1", "persistentvolumeclaims", "pvc"],
  ["Event", "v1", "events", "ev"],
  ["Deployment", "apps/v1", "deployments", "deploy"],
  ["StatefulSet", "apps/v1", "statefulsets", "sts"],
  ["DaemonSet", "apps/v1", "daemonsets", "ds"],
  ["ReplicaSet", "apps/v1", "replicasets", "rs"],
  ["Job", "batch/v1", "jobs"],
  ["CronJob", "batch/v1", "cronjobs", "cj"],
  ["Ingress", "networking.k8s.io/v1", "ingresses", "ing"],
] as const) {
  for (const name of [kind, ...aliases]) KNOWN[name.toLowerCase()] = { kind, apiVersion };
}

/** `{ kind, apiVersion }` for a kind name; custom resources need their apiVersion. */
export function resolveKind(
  kind: string,
  apiVersion: string | undefined,
): { kind: string; apiVersion: string } {
  const known = KNOWN[kind.toLowerCase()];
  if (known) return { kind: known.kind, apiVersion: apiVersion ?? known.apiVersion };
  if (!apiVersion) {
    throw new ActionError(
      "unknown-kind",
      `"${kind}" is not a built-in kind; give its apiVersion (e.g. example.com/v1)`,
    );
  }
  return { kind, apiVersion };
}

/** A value at a dotted path (`status.observedVersion`, `spec.template.metadata.labels.app`). */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A label selector string from a LabelSelector object (matchLabels and matchExpressions). */
export function selectorString(sel: unknown): string {
  const s = (sel ?? {}) as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === "In") parts.push(`${e.key} in (${(e.values ?? []).join(",")})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${(e.values ?? []).join(",")})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}
