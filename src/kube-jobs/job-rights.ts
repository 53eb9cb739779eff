// The RBAC rules a submitted run's ServiceAccount gets: only what its steps' Kubernetes actions do, per action.

/** One rule of a Role, as rbac.authorization.k8s.io/v1 writes it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const READ = ["get", "list", "watch"];
const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];

// What a Helm chart usually holds, namespaced: a helm write creates, changes and deletes these (and runs hooks).
const CHART_KINDS: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["configmaps", "secrets", "services", "serviceaccounts", "persistentvolumeclaims", "pods"],
    verbs: WRITE,
  },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
    verbs: WRITE,
  },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: WRITE },
];

// Helm keeps releases in Secrets of the namespace: reading a release reads them.
const HELM_READ: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }];
const POD_LOGS: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
];
const WORKLOADS_READ: PolicyRule[] = [
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
    verbs: READ,
  },
  ...POD_LOGS,
];

/** The rules each built-in Kubernetes action needs in its namespace (documented in docs/kubernetes-jobs.md). */
export const ACTION_RIGHTS: Readonly<Record<string, readonly PolicyRule[]>> = {
  "helm.status": HELM_READ,
  "helm.history": HELM_READ,
  "helm.list": HELM_READ,
  "helm.values": HELM_READ,
  "helm.upgrade": [
    ...CHART_KINDS,
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["events"], verbs: ["list"] },
  ],
  "helm.rollback": [...CHART_KINDS, { apiGroups: [""], resources: ["events"], verbs: ["list"] }],
  // helm upgrade --dry-run=client: reads the release from its Secrets and changes nothing.
  "helm.preview": HELM_READ,
  // Deletes what the release holds and its release Secrets.
  "helm.uninstall": [...CHART_KINDS, { apiGroups: [""], resources: ["events"], verbs: ["list"] }],
  "kubectl.get": [
    {
      apiGroups: ["", "apps", "batch"],
      resources: [
        "pods",
        "services",
        "configmaps",
        "deployments",
        "statefulsets",
        "daemonsets",
        "replicasets",
        "jobs",
      ],
      verbs: READ,
    },
  ],
  "kubectl.logs": POD_LOGS,
  "kubectl.rolloutStatus": WORKLOADS_READ,
  "kubectl.waitJob": [{ apiGroups: ["batch"], resources: ["jobs"], verbs: READ }, ...POD_LOGS],
  // kubectl.patch patches the kind its step names (a custom resource too): get and patch, nothing else.
  "kubectl.patch": [{ apiGroups: ["*"], resources: ["*"], verbs: ["get", "patch"] }],
};

/** The target Lease every write run takes in the namespace it changes (coordination.k8s.io). */
export const LEASE_RIGHTS: readonly PolicyRule[] = [
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update", "delete"] },
];

/** Merge rules with the same groups and verbs; sorted so the Role reads the same every time. */
export function mergeRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const r of rules) {
    const key = `${[...r.apiGroups].sort().join(",")}|${[...r.verbs].sort().join(",")}`;
    const have = byKey.get(key);
    if (have) have.resources = [...new Set([...have.resources, ...r.resources])].sort();
    else
      byKey.set(key, {
        apiGroups: [...r.apiGroups].sort(),
        resources: [...new Set(r.resources)].sort(),
        verbs: [...r.verbs].sort(),
      });
  }
  return [...byKey.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The rules a run needs in one namespace, from the actions its steps (main and rollback) run there. */
export function rightsFor(actions: Iterable<string>, writes: boolean): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const a of actions) rules.push(...(ACTION_RIGHTS[a] ?? []));
  if (writes) rules.push(...LEASE_RIGHTS);
  return mergeRules(rules);
}
