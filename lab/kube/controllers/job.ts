// Job controller: run pods until enough succeed, retry failures up to backoffLimit (or a podFailurePolicy), report conditions.
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
import { judgeFailedPod, tallyOf } from "./job-pod-failures.js";

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
    const counts = countFinished(objects, job, spec, mine, prev);
    const phase = (p: KObject) => statusOf(p).phase;
    const unfinished = mine.filter((p) => phase(p) !== "Succeeded" && phase(p) !== "Failed");
    let active = unfinished.filter((p) => !podTerminating(p));
    const terminating = unfinished.filter(podTerminating);
    const now = nowTime();
    const status: JsonMap = {
      ...prev,
      startTime: prev.startTime ?? now,
      uncountedTerminatedPods: {},
      terminating: terminating.length,
    };
    const completions = num(spec, "completions", 1);
    const deadline = spec.activeDeadlineSeconds;
    const overdue =
      typeof deadline === "number" && Date.now() - Date.parse(String(status.startTime)) > deadline * 1000;
    if (counts.succeeded >= completions) {
      const msg = "Reached expected number of succeeded pods";
      status.conditions = [
        cond("SuccessCriteriaMet", "CompletionsReached", msg, now),
        cond("Complete", "CompletionsReached", msg, now),
      ];
      status.completionTime = now;
    } else if (counts.failJob !== undefined || counts.failed > num(spec, "backoffLimit", 6) || overdue) {
      const [reason, msg] =
        counts.failJob !== undefined
          ? ["PodFailurePolicy", counts.failJob]
          : overdue
            ? ["DeadlineExceeded", "Job was active longer than specified deadline"]
            : ["BackoffLimitExceeded", "Job has reached the specified backoff limit"];
      status.conditions = [cond("FailureTarget", reason, msg, now), cond("Failed", reason, msg, now)];
      for (const p of active) objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
      active = [];
    } else if (spec.suspend !== true) {
      // podReplacementPolicy Failed: a pod still terminating holds its place until it has stopped.
      const held = spec.podReplacementPolicy === "Failed" ? terminating.length : 0;
      const want = Math.min(num(spec, "parallelism", 1), completions - counts.succeeded) - held;
      for (let i = active.length; i < want; i++) active.push(podFromTemplate(objects, kinds, job));
    }
    status.active = active.length;
    status.ready = active.filter(podReady).length;
    if (counts.succeeded > 0) status.succeeded = counts.succeeded;
    if (counts.failed > 0) status.failed = counts.failed;
    if (status.active === 0) delete status.active;
    writeStatus(objects, kinds.job, job, status);
  }
}

// Count each finished pod once, as the Job controller's tracking finalizer does: a pod deleted before it
// finished counts as failed; a failed pod is judged by the podFailurePolicy (Ignore: not counted).
function countFinished(
  objects: Objects,
  job: KObject,
  spec: JsonMap,
  mine: KObject[],
  prev: JsonMap,
): { succeeded: number; failed: number; failJob?: string } {
  const tally = tallyOf(objects.store, job.metadata.uid ?? "");
  let succeeded = num(prev, "succeeded", 0);
  let failed = num(prev, "failed", 0);
  let failJob: string | undefined;
  const fail = (pod: KObject) => {
    const verdict = judgeFailedPod(spec, pod);
    if (verdict.action === "Ignore") return;
    failed++;
    if (verdict.action === "FailJob") failJob ??= verdict.message;
  };
  const present = new Set(mine.map((p) => p.metadata.uid ?? ""));
  for (const [uid, pod] of tally.unfinished) {
    if (present.has(uid) || tally.counted.has(uid)) continue;
    tally.counted.add(uid);
    fail(pod);
  }
  tally.unfinished.clear();
  for (const p of mine) {
    const uid = p.metadata.uid ?? "";
    const phase = statusOf(p).phase;
    if (tally.counted.has(uid)) continue;
    if (phase === "Succeeded") {
      tally.counted.add(uid);
      succeeded++;
    } else if (phase === "Failed") {
      tally.counted.add(uid);
      fail(p);
    } else tally.unfinished.set(uid, p);
  }
  return { succeeded, failed, ...(failJob !== undefined ? { failJob } : {}) };
}
