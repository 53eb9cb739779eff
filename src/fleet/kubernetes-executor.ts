// The `kubernetes` executor: each target's run is a Job, made as `rbx submit` makes it (src/kube-jobs/), whose
// pod starts the run under the id the controller chose — or resumes that same run. The controller still
// learns every outcome from the run store; the Job only says where the run executes.
import type { ActionCatalog } from "../contract/action.js";
import { type KubeApi, kubeMessage } from "../kube-jobs/kube-api.js";

import { submitRunJob } from "../kube-jobs/submit-run-job.js";
import { watchRunJob } from "../kube-jobs/watch-run-job.js";
import type { RunStore } from "../run/store/run-store.js";
import type { FleetExecutor, Launched, LaunchSpec } from "./executor.js";

/** Where and as whom the Jobs run. */
export interface KubernetesExecutorOptions {
  kube: KubeApi;
  store: RunStore;
  catalog: ActionCatalog;
  /** The namespace every target's Job (and its ConfigMap, Secret, ServiceAccount) is created in. */
  namespace: string;
  image: string;
  /** Where the pods' snapshot dumps go (as `rbx submit --snapshots-dir`). */
  snapshotsDir: string;
  user: string;
  cwd: string;
  /** The controller's environment (the targets' own `env` is added per launch). */
  env: Readonly<Record<string, string | undefined>>;
}

const HANDLE = /^job ([^/]+)\/(.+)$/;
/** The objects a run's Job owns, removed before a Job of the same run is made again (a resume). */
const OWNED: readonly [string, string][] = [
  ["batch/v1", "Job"],
  ["v1", "ConfigMap"],
  ["v1", "Secret"],
  ["v1", "ServiceAccount"],
  ["rbac.authorization.k8s.io/v1", "Role"],
  ["rbac.authorization.k8s.io/v1", "RoleBinding"],
];

/** One Job per target run. */
export class KubernetesExecutor implements FleetExecutor {
  readonly name = "kubernetes";
  private readonly stop = new AbortController();

  constructor(private readonly o: KubernetesExecutorOptions) {}

  async launch(spec: LaunchSpec): Promise<Launched> {
    const { kube, namespace } = this.o;
    if (spec.mode === "resume") {
      // The run's earlier Job ended (its run halted or was interrupted): a new one, same run id, resumes it.
      const label = `rbx.dev/run=${spec.runId.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 63)}`;
      for (const [apiVersion, kind] of OWNED) {
        for (const obj of await kube.list(apiVersion, kind, namespace, label).catch(() => [])) {
          if (obj.metadata.name) await kube.remove(apiVersion, kind, namespace, obj.metadata.name);
        }
      }
    }
    const said: string[] = [];
    const submitted = await submitRunJob({
      file: spec.runbook,
      cwd: this.o.cwd,
      env: { ...this.o.env, ...spec.env },
      catalog: this.o.catalog,
      params: { cli: new Map(), file: spec.params },
      namespace,
      image: this.o.image,
      storeUrl: spec.storeUrl,
      approve: spec.approve,
      approveAll: spec.approveAll,
      snapshotsDir: this.o.snapshotsDir,
      user: this.o.user,
      runId: spec.runId,
      kube,
      say: (line) => said.push(line.replace(/^error: /, "")),
    }).catch((err: unknown) => {
      said.push(kubeMessage(err));
      return undefined;
    });
    if (!submitted) throw new Error(said.join("; ") || "the Job could not be created");
    const exited = watchRunJob({
      kube,
      store: this.o.store,
      namespace,
      jobName: submitted.jobName,
      runId: spec.runId,
      signal: this.stop.signal,
    }).then((end) => end?.exit ?? null);
    return { handle: `job ${namespace}/${submitted.jobName}`, exited };
  }

  async alive(handle: string): Promise<boolean | "unknown"> {
    const m = HANDLE.exec(handle);
    if (!m) return false;
    try {
      const job = await this.o.kube.read("batch/v1", "Job", m[1] as string, m[2] as string);
      if (!job) return false;
      const conds =
        (job.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      return !conds.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    } catch {
      return "unknown";
    }
  }

  /** Stop watching Jobs (the controller is done); the Jobs themselves run on. */
  close(): void {
    this.stop.abort();
  }
}
