// Job controller: run pods until enough succeed, retry failures up to backoffLimit, report conditions.
import type { Objects } from "../objects.js";
import { isMap, type JsonMap, type KObject, nowTime } from "../types.js";
import {
  type Kinds,
  num,
  ownedBy,
  podFromTemplate,
  podReady,
  podTerminating,
  specOf,
  statusOf,
  writeStatus,
} from "./common.js";

function finished(status: JsonMap): boolean {
  const conds = status.conditions;
  return (
    Array.isArray(conds) &&
    conds.some((c) => isMap(c) && (c.type === "Complete" || c.type === "Failed") && c.status === "True")
  );
}

function cond(type: string, reason: string, message: string, now: string): JsonMap {
  return { type, status: "True", lastProbeTime: now, lastTransitionTime: now, reason, message };
}

/** Reconcile every Job once. */
export function reconcileJobs(objects: Objects, kinds: Kinds): void {
  const pods = objects.store.list(kinds.pod);
  for (const job of objects.store.list(kinds.job)) {
    const prev = statusOf(job);
    if (finished(prev)) continue;
    const spec = specOf(job);
    const mine = pods.filter(
      (p) => p.metadata.namespace === job.metadata.namespace && ownedBy(p, job.metadata.uid),
    );
    const phase = (p: KObject) => statusOf(p).phase;
    const succeeded = mine.filter((p) => phase(p) === "Succeeded").length;
    const failed = mine.filter((p) => phase(p) === "Failed").length;
    let active = mine.filter((p) => phase(p) !== "Succeeded" && phase(p) !== "Failed" && !podTerminating(p));
    const now = nowTime();
    const status: JsonMap = {
      ...prev,
      startTime: prev.startTime ?? now,
      uncountedTerminatedPods: {},
      terminating: 0,
    };
    const completions = num(spec, "completions", 1);
    const deadline = spec.activeDeadlineSeconds;
    const overdue =
      typeof deadline === "number" && Date.now() - Date.parse(String(status.startTime)) > deadline * 1000;
    if (succeeded >= completions) {
      const msg = "Reached expected number of succeeded pods";
      status.conditions = [
        cond("SuccessCriteriaMet", "CompletionsReached", msg, now),
        cond("Complete", "CompletionsReached", msg, now),
      ];
      status.completionTime = now;
    } else if (failed > num(spec, "backoffLimit", 6) || overdue) {
      const [reason, msg] = overdue
        ? ["DeadlineExceeded", "Job was active longer than specified deadline"]
        : ["BackoffLimitExceeded", "Job has reached the specified backoff limit"];
      status.conditions = [cond("FailureTarget", reason, msg, now), cond("Failed", reason, msg, now)];
      for (const p of active) objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
      active = [];
    } else if (spec.suspend !== true) {
      const want = Math.min(num(spec, "parallelism", 1), completions - succeeded);
      for (let i = active.length; i < want; i++) active.push(podFromTemplate(objects, kinds, job));
    }
    status.active = active.length;
    status.ready = active.filter(podReady).length;
    if (succeeded > 0) status.succeeded = succeeded;
    if (failed > 0) status.failed = failed;
    if (status.active === 0) delete status.active;
    writeStatus(objects, kinds.job, job, status);
  }
}
