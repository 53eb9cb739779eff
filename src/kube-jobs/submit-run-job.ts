// `rbx submit` and the kubernetes executor: check a run here, then create the Job (and what it needs) that runs it.
import type { ActionCatalog } from "../contract/action.js";
import { type BindOptions, bindDocument } from "../run/bind/bind-document.js";
import { prepareRunbook } from "../run/bind/prepare.js";
import { newRunId } from "../run/store/run-ids.js";
import { jobDependents, jobNameFor, jobObject, type RunJobSpec } from "./job-objects.js";
import { ACTION_RIGHTS, type PolicyRule, rightsFor } from "./job-rights.js";
import { type KubeApi, kubeMessage } from "./kube-api.js";

/** What submitting one run needs. */
export interface SubmitRunRequest {
  /** The runbook file, relative to `cwd`. */
  file: string;
  cwd: string;
  /** The operator's environment: params `from: env`, the runbook's declared `env:`, secret params. */
  env: Readonly<Record<string, string | undefined>>;
  catalog: ActionCatalog;
  /** The plan hash the operator reviewed: refused when the plan differs now. */
  planHash?: string;
  /** The actions the pod's image has (the built-in ones): a runbook using others is refused here. */
  podCatalog?: ActionCatalog;
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> };
  /** The namespace the Job, its ConfigMap, Secret and ServiceAccount live in. */
  namespace: string;
  /** The rbx image (default `rbx:<this version>`). */
  image: string;
  /** The PostgreSQL store URL the pod uses (kept in the Secret; the operator reads the run from the same store). */
  storeUrl: string;
  approve?: readonly string[];
  approveAll?: boolean;
  /** Where the pod's snapshot dumps go; the plan (and its hash) is made with it, as the pod will run it. */
  snapshotsDir: string;
  /** Who submits (RBX_USER or the login name): the run acts as them. */
  user: string;
  /** Pods the Job may lose (deleted, evicted, crashed) before it gives up (default 6). */
  backoffLimit?: number;
  /** How long a stopping pod may take to finish its step, in seconds (default 120). */
  gracePeriodSeconds?: number;
  /** Run as this existing ServiceAccount instead of one made with the runbook's rights. */
  serviceAccount?: string;
  /** The run's id (a fleet names its targets' runs); default a new one. */
  runId?: string;
  kube: KubeApi;
  say: (line: string) => void;
}

/** A submitted run: its id in the store and the Job running it. */
export interface SubmittedRun {
  runId: string;
  namespace: string;
  jobName: string;
  planHash: string;
}

// The connection fields that only make sense on the operator's machine: a pod reaches the cluster as its ServiceAccount.
function localOnlyFields(fields: Readonly<Record<string, unknown>>): string[] {
  return ["kubeconfig", "context"].filter((f) => typeof fields[f] === "string" && fields[f] !== "");
}

/**
 * Check the runbook and its params as `rbx run` would (nothing runs), then create the run's Job, suspended,
 * its ConfigMap, Secret, ServiceAccount and Roles (owned by the Job), and let the Job go. Undefined once what
 * is wrong is said.
 */
export async function submitRunJob(req: SubmitRunRequest): Promise<SubmittedRun | undefined> {
  // Bound with the environment the pod's steps will see, so the plan hash checked in the pod is this one.
  const bindEnv = { ...req.env, RBX_STORE: undefined, RBX_SNAPSHOTS_DIR: req.snapshotsDir };
  const bindOpts: BindOptions = { env: bindEnv, catalog: req.catalog, say: req.say };
  const b = bindDocument(prepareRunbook(req.file, req.cwd, req.catalog), req.params, bindOpts);
  if (!b) return undefined;
  if (req.planHash !== undefined && req.planHash !== b.plan.planHash) {
    req.say(
      `error: the plan hash is ${b.plan.planHash}, not the reviewed ${req.planHash}: the document, params or ` +
        "resolved commands changed since the plan was made. Run `rbx plan` again and review it.",
    );
    return undefined;
  }
  const { runbook } = b.prepared;
  const namespaces = new Set<string>();
  for (const conn of b.bound.connections.values()) {
    if (conn.kind !== "kubernetes") continue;
    const local = localOnlyFields(conn.fields);
    if (local.length > 0) {
      req.say(
        `error: connection "${conn.name}" sets ${local.join(" and ")}: a submitted run reaches the cluster as its pod's ` +
          "ServiceAccount (in-cluster), so leave them empty (e.g. --param kubeContext=)",
      );
      return undefined;
    }
    namespaces.add(
      typeof conn.fields.namespace === "string" && conn.fields.namespace
        ? conn.fields.namespace
        : req.namespace,
    );
  }
  const missing = [...new Set([...b.bound.program.units.values()].map((u) => u.action))].filter(
    (a) =>
      req.podCatalog !== undefined &&
      a !== "" &&
      !a.startsWith("run ") &&
      req.podCatalog.find(a) === undefined,
  );
  if (missing.length > 0) {
    req.say(
      `error: the rbx image has no action ${missing.join(", ")} (a project's own actions are not in it): ` +
        "a submitted run can use the built-in actions only",
    );
    return undefined;
  }
  const actions = new Set(
    [...b.bound.program.units.values()].map((u) => u.action).filter((a) => a in ACTION_RIGHTS),
  );
  const writes = [...actions].some((a) => req.catalog.find(a)?.effect === "write");
  const rights = new Map<string, PolicyRule[]>();
  if (actions.size > 0) for (const ns of namespaces) rights.set(ns, rightsFor(actions, writes));
  const secretNames = new Set(runbook.params.filter((p) => p.type === "secret").map((p) => p.name.value));
  const params: Record<string, unknown> = {};
  const secretParams: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b.bound.params)) (secretNames.has(k) ? secretParams : params)[k] = v;
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  for (const decl of runbook.env) {
    const v = req.env[decl.name.value];
    if (v !== undefined) (decl.secret ? secretEnv : env)[decl.name.value] = v;
  }
  const runId = req.runId ?? newRunId();
  const spec: RunJobSpec = {
    runId,
    namespace: req.namespace,
    image: req.image,
    runbookFile: b.prepared.file.split("/").pop() ?? "runbook.rb.yaml",
    runbookText: b.prepared.text,
    runbookName: runbook.metadata.name.value,
    params,
    secretParams,
    env,
    secretEnv,
    planHash: b.plan.planHash,
    storeUrl: req.storeUrl,
    approve: req.approve ?? [],
    approveAll: req.approveAll ?? false,
    user: req.user,
    snapshotsDir: req.snapshotsDir,
    rights,
    backoffLimit: req.backoffLimit ?? 6,
    gracePeriodSeconds: req.gracePeriodSeconds ?? 120,
    ...(req.serviceAccount !== undefined ? { serviceAccount: req.serviceAccount } : {}),
  };
  const jobName = jobNameFor(runId);
  let job: Awaited<ReturnType<KubeApi["create"]>>;
  try {
    job = await req.kube.create(jobObject(spec));
  } catch (err) {
    req.say(
      `error: cannot create Job ${req.namespace}/${jobName} at ${req.kube.server}: ${kubeMessage(err)}`,
    );
    return undefined;
  }
  try {
    for (const obj of jobDependents(spec, { uid: job.metadata.uid ?? "" })) await req.kube.create(obj);
    await req.kube.mergePatch({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: jobName, namespace: req.namespace },
      spec: { suspend: false },
    });
  } catch (err) {
    req.say(
      `error: cannot prepare Job ${req.namespace}/${jobName}: ${kubeMessage(err)}; it was deleted again`,
    );
    await req.kube.remove("batch/v1", "Job", req.namespace, jobName).catch(() => undefined);
    return undefined;
  }
  return { runId, namespace: req.namespace, jobName, planHash: b.plan.planHash };
}
