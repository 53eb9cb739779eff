// The objects `rbx submit` creates for one run: ConfigMap, Secret, ServiceAccount, Role(s), RoleBinding(s), Job.
import type { PolicyRule } from "./job-rights.js";

/** The container name in a run's pod (podFailurePolicy rules name it). */
export const RUN_CONTAINER = "rbx";

/** Where the pod finds what the run needs: ConfigMap and Secret keys, exposed as environment variables. */
export const JOB_ENV = {
  runId: "RBX_RUN_ID",
  runbook: "RBX_JOB_RUNBOOK",
  runbookName: "RBX_JOB_RUNBOOK_NAME",
  params: "RBX_JOB_PARAMS",
  secretParams: "RBX_JOB_SECRET_PARAMS",
  planHash: "RBX_JOB_PLAN_HASH",
  approve: "RBX_JOB_APPROVE",
  store: "RBX_STORE",
  drainSeconds: "RBX_POD_DRAIN_SECONDS",
} as const;

/**
 * Exit codes of the pod, for the Job's podFailurePolicy: an outcome the run reached (failed, refused, halted
 * for a person) fails the Job at once; anything else (a deleted pod, a store that went away) is retried.
 */
export const POD_EXIT = { completed: 0, failed: 1, refused: 2, halted: 3, retry: 75 } as const;

/** Everything one submitted run is made of. */
export interface RunJobSpec {
  runId: string;
  namespace: string;
  image: string;
  runbookFile: string;
  runbookText: string;
  runbookName: string;
  params: Record<string, unknown>;
  secretParams: Record<string, unknown>;
  /** Values of the environment variables the runbook declares (`env:`), split by secrecy. */
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  planHash: string;
  storeUrl: string;
  approve: readonly string[];
  approveAll: boolean;
  /** Where the pod's snapshot dumps go (RBX_SNAPSHOTS_DIR): a path that outlives the pod (see the docs). */
  snapshotsDir: string;
  /** Who submitted it: the pod's runs act as them (RBX_USER), so `--approve` given at submit is theirs. */
  user: string;
  /** Rules per namespace the run's steps work in (its own namespace included when steps work there). */
  rights: ReadonlyMap<string, PolicyRule[]>;
  backoffLimit: number;
  /** terminationGracePeriodSeconds: a stopping pod finishes its step within it (10 s before it, at most). */
  gracePeriodSeconds: number;
  /** An existing ServiceAccount to run as instead of the one made for the run (then no Role is made). */
  serviceAccount?: string;
}

/** A Kubernetes object as the API takes it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    uid?: string;
  };
  [key: string]: unknown;
}

/** The name every object of a run shares: `rbx-<run id>`, lower-cased as DNS names must be. */
export function jobNameFor(runId: string): string {
  return `rbx-${runId.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 63).replace(/-+$/, "");
}

/** Labels on every object of a run: `kubectl get all -l rbx.dev/run=ID` finds them. */
export function runLabels(spec: Pick<RunJobSpec, "runId" | "runbookName">): Record<string, string> {
  const value = (s: string) =>
    s
      .replace(/[^A-Za-z0-9_.-]/g, "-")
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return {
    "app.kubernetes.io/name": "rbx",
    "app.kubernetes.io/component": "run",
    "rbx.dev/run": value(spec.runId),
    "rbx.dev/runbook": value(spec.runbookName),
  };
}

/** The Job, suspended: its ConfigMap, Secret and rights are created (owned by it) before it is let go. */
export function jobObject(spec: RunJobSpec): KubeObject {
  const name = jobNameFor(spec.runId);
  const labels = runLabels(spec);
  const fromConfig = (key: string) => ({ configMapKeyRef: { name, key } });
  const fromSecret = (key: string, optional = false) => ({
    secretKeyRef: { name, key, ...(optional ? { optional } : {}) },
  });
  const env = [
    { name: JOB_ENV.runId, value: spec.runId },
    { name: JOB_ENV.runbookName, value: spec.runbookFile },
    { name: JOB_ENV.runbook, valueFrom: fromConfig("runbook") },
    { name: JOB_ENV.params, valueFrom: fromConfig("params.json") },
    { name: JOB_ENV.planHash, valueFrom: fromConfig("plan-hash") },
    { name: JOB_ENV.approve, valueFrom: fromConfig("approve") },
    { name: JOB_ENV.secretParams, valueFrom: fromSecret("params.json") },
    { name: JOB_ENV.store, valueFrom: fromSecret("store") },
    ...Object.keys(spec.env).map((k) => ({ name: k, valueFrom: fromConfig(`env.${k}`) })),
    ...Object.keys(spec.secretEnv).map((k) => ({ name: k, valueFrom: fromSecret(`env.${k}`) })),
    { name: "RBX_USER", value: spec.user },
    { name: JOB_ENV.drainSeconds, value: String(Math.max(1, spec.gracePeriodSeconds - 10)) },
    { name: "RBX_SNAPSHOTS_DIR", value: spec.snapshotsDir },
  ];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: spec.namespace, labels, annotations: { "rbx.dev/run": spec.runId } },
    spec: {
      suspend: true,
      backoffLimit: spec.backoffLimit,
      // A pod that reached an outcome of the run ends the Job; a pod killed or evicted is replaced, once it has
      // stopped (podReplacementPolicy Failed), and its successor resumes the same run.
      podFailurePolicy: {
        rules: [
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          {
            action: "FailJob",
            onExitCodes: {
              containerName: RUN_CONTAINER,
              operator: "In",
              values: [POD_EXIT.failed, POD_EXIT.refused, POD_EXIT.halted],
            },
          },
        ],
      },
      podReplacementPolicy: "Failed",
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: spec.serviceAccount ?? name,
          terminationGracePeriodSeconds: spec.gracePeriodSeconds,
          containers: [
            {
              name: RUN_CONTAINER,
              image: spec.image,
              args: ["submit", "--in-pod"],
              env,
              securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                readOnlyRootFilesystem: false,
              },
            },
          ],
        },
      },
    },
  };
}

/** The objects the Job needs, each owned by it (deleting the Job deletes them), Roles in every namespace used. */
export function jobDependents(spec: RunJobSpec, job: { uid: string }): KubeObject[] {
  const name = jobNameFor(spec.runId);
  const labels = runLabels(spec);
  const owner = [{ apiVersion: "batch/v1", kind: "Job", name, uid: job.uid, controller: false }];
  const meta = (namespace: string, owned = true) => ({
    name,
    namespace,
    labels,
    ...(owned ? { ownerReferences: owner } : {}),
  });
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const secretData: Record<string, string> = {
    store: b64(spec.storeUrl),
    "params.json": b64(JSON.stringify(spec.secretParams)),
  };
  for (const [k, v] of Object.entries(spec.secretEnv)) secretData[`env.${k}`] = b64(v);
  const configData: Record<string, string> = {
    runbook: spec.runbookText,
    "params.json": JSON.stringify(spec.params),
    "plan-hash": spec.planHash,
    approve: spec.approveAll ? "*" : spec.approve.join(","),
  };
  for (const [k, v] of Object.entries(spec.env)) configData[`env.${k}`] = v;
  const out: KubeObject[] = [
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta(spec.namespace), data: configData },
    { apiVersion: "v1", kind: "Secret", metadata: meta(spec.namespace), type: "Opaque", data: secretData },
  ];
  if (spec.serviceAccount !== undefined) return out;
  out.push({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(spec.namespace),
    automountServiceAccountToken: true,
  });
  for (const [namespace, rules] of spec.rights) {
    if (rules.length === 0) continue;
    // Owner references cannot cross namespaces: Roles elsewhere carry the run label (`kubectl delete -l`).
    const owned = namespace === spec.namespace;
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(namespace, owned),
      rules,
    });
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(namespace, owned),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: spec.namespace }],
    });
  }
  return out;
}
