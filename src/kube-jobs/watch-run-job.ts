// Watching a submitted run to its end: the run's state from the store, the Job's and its pods' from Kubernetes.
import { EXIT_CODES } from "../run/model/exit-codes.js";
import { foldEvents, type RunState } from "../run/model/state.js";
import type { RunStore } from "../run/store/run-store.js";
import type { KubeObject } from "./job-objects.js";
import type { KubeApi } from "./kube-api.js";

/** How a submitted run ended, as far as its Job goes. */
export interface RunJobOutcome {
  runId: string;
  /** The run's state in the store; `not-started` when no pod ever started it. */
  status: RunState["status"] | "not-started";
  /** The Job: complete, failed (with Kubernetes' reason), gone (deleted), or active (`until: "started"`). */
  job: "complete" | "failed" | "gone" | "active";
  reason?: string;
  /** The exit code `rbx run` would give for this outcome (1 when the Job failed before the run started). */
  exit: number;
}

/** What to watch and where to say what happens (pods started, pods that cannot start). */
export interface WatchRunJob {
  kube: KubeApi;
  store: RunStore;
  namespace: string;
  jobName: string;
  runId: string;
  signal: AbortSignal;
  /** One line per change worth telling: a new pod, a pod that cannot start, a pod that ended. */
  onNote?: (line: string) => void;
  /** How often to look (default 1 s); the store's notices are not needed to end. */
  intervalMs?: number;
  /** `started`: end as soon as the run is in the store (a pod started it), or the Job ended before. */
  until?: "started" | "finished";
}

function condition(job: KubeObject, type: string): { reason?: string; message?: string } | undefined {
  const conds = (
    job.status as
      | { conditions?: { type: string; status: string; reason?: string; message?: string }[] }
      | undefined
  )?.conditions;
  return conds?.find((c) => c.type === type && c.status === "True");
}

function podNote(pod: KubeObject): string {
  const st = pod.status as
    | {
        phase?: string;
        containerStatuses?: {
          state?: Record<string, { reason?: string; message?: string; exitCode?: number }>;
        }[];
      }
    | undefined;
  const state = st?.containerStatuses?.[0]?.state ?? {};
  const [what, detail] = Object.entries(state)[0] ?? ["", {}];
  const extra = [
    detail?.reason,
    detail?.exitCode !== undefined ? `exit ${detail.exitCode}` : undefined,
    detail?.message,
  ]
    .filter(Boolean)
    .join(", ");
  const terminating = (pod.metadata as { deletionTimestamp?: string }).deletionTimestamp
    ? " (terminating)"
    : "";
  return `pod ${pod.metadata.name}: ${st?.phase ?? "Pending"}${terminating}${what ? ` — ${what}` : ""}${extra ? ` (${extra})` : ""}`;
}

async function runState(store: RunStore, runId: string): Promise<RunState | undefined> {
  if (!(await store.list()).includes(runId)) return undefined;
  return foldEvents(runId, (await store.read(runId)).events);
}

function exitFor(state: RunState | undefined, jobFailed: boolean): number {
  switch (state?.status) {
    case "completed":
      return EXIT_CODES.completed;
    case "halted":
      return EXIT_CODES.halted;
    case "failed":
    case "rolled-back":
      return EXIT_CODES.failed;
    default:
      return jobFailed || state === undefined ? EXIT_CODES.failed : EXIT_CODES.halted;
  }
}

/**
 * Watch until the Job is finished (Complete or Failed) or gone — or, with `until: "started"`, until its run is in
 * the store — or `signal` aborts (then undefined).
 */
export async function watchRunJob(w: WatchRunJob): Promise<RunJobOutcome | undefined> {
  const seen = new Map<string, string>();
  const selector = `job-name=${w.jobName}`;
  while (!w.signal.aborted) {
    const job = await w.kube.read("batch/v1", "Job", w.namespace, w.jobName);
    if (w.onNote) {
      for (const pod of await w.kube.list("v1", "Pod", w.namespace, selector)) {
        const note = podNote(pod);
        if (seen.get(pod.metadata.name) === note) continue;
        seen.set(pod.metadata.name, note);
        const failed = (pod.status as { phase?: string } | undefined)?.phase === "Failed";
        const tail = failed ? (await w.kube.logTail(w.namespace, pod.metadata.name, 15)).trimEnd() : "";
        w.onNote(tail ? `${note}; its last lines:\n${tail.replace(/^/gm, "  | ")}` : note);
      }
    }
    if (w.until === "started" && job) {
      const state = await runState(w.store, w.runId);
      if (state) return { runId: w.runId, status: state.status, job: "active", exit: EXIT_CODES.completed };
    }
    const done = job
      ? condition(job, "Complete")
        ? "complete"
        : condition(job, "Failed")
          ? "failed"
          : undefined
      : "gone";
    if (done) {
      const state = await runState(w.store, w.runId);
      const failed = job ? condition(job, "Failed") : undefined;
      return {
        runId: w.runId,
        status: state?.status ?? "not-started",
        job: done,
        ...(failed ? { reason: `${failed.reason}: ${failed.message}` } : {}),
        exit: exitFor(state, done !== "complete"),
      };
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, w.intervalMs ?? 1_000);
      w.signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  return undefined;
}
