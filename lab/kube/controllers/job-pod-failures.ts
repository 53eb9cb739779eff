// How a Job counts its finished pods (once each, a pod deleted before it finished as failed) and judges a failed pod by its podFailurePolicy.
import { isMap, type JsonMap, type KObject } from "../types.js";
import { statusOf } from "./common.js";

/** What a podFailurePolicy rule decides for one failed pod (FailIndex is for indexed Jobs, not served). */
export type FailureAction = "FailJob" | "Ignore" | "Count";

/** A failed pod judged: the action, and the message Kubernetes gives when it fails the Job. */
export interface FailureVerdict {
  action: FailureAction;
  message?: string;
}

interface Terminated {
  name: string;
  exitCode: number;
}

function terminatedContainers(pod: KObject): Terminated[] {
  const statuses = statusOf(pod).containerStatuses;
  if (!Array.isArray(statuses)) return [];
  const out: Terminated[] = [];
  for (const s of statuses) {
    if (!isMap(s) || !isMap(s.state) || !isMap(s.state.terminated)) continue;
    const code = s.state.terminated.exitCode;
    if (typeof code === "number") out.push({ name: String(s.name), exitCode: code });
  }
  return out;
}

function matchesExitCodes(rule: JsonMap, pod: KObject): Terminated | undefined {
  const on = rule.onExitCodes;
  if (!isMap(on) || !Array.isArray(on.values)) return undefined;
  const values = on.values.filter((v): v is number => typeof v === "number");
  const within =
    on.operator === "NotIn" ? (c: number) => !values.includes(c) : (c: number) => values.includes(c);
  return terminatedContainers(pod).find(
    (t) =>
      (on.containerName === undefined || on.containerName === t.name) &&
      t.exitCode !== 0 &&
      within(t.exitCode),
  );
}

function matchesConditions(rule: JsonMap, pod: KObject): string | undefined {
  const wanted = rule.onPodConditions;
  if (!Array.isArray(wanted)) return undefined;
  const have = statusOf(pod).conditions;
  for (const w of wanted) {
    if (!isMap(w)) continue;
    const status = typeof w.status === "string" ? w.status : "True";
    if (Array.isArray(have) && have.some((c) => isMap(c) && c.type === w.type && c.status === status))
      return String(w.type);
  }
  return undefined;
}

/** Judge a failed pod by the Job's podFailurePolicy: the first matching rule decides; none matching counts it. */
export function judgeFailedPod(spec: JsonMap, pod: KObject): FailureVerdict {
  const policy = spec.podFailurePolicy;
  const rules = isMap(policy) && Array.isArray(policy.rules) ? policy.rules : [];
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of rules.entries()) {
    if (!isMap(rule)) continue;
    const action = rule.action as FailureAction;
    const exit = matchesExitCodes(rule, pod);
    if (exit)
      return {
        action,
        message: `Container ${exit.name} for pod ${where} failed with exit code ${exit.exitCode} matching ${action} rule at index ${index}`,
      };
    const cond = matchesConditions(rule, pod);
    if (cond)
      return {
        action,
        message: `Pod ${where} has condition ${cond} matching ${action} rule at index ${index}`,
      };
  }
  return { action: "Count" };
}

/** A Job's tally kept across passes: pods already counted, and the pods last seen unfinished. */
export interface JobTally {
  counted: Set<string>;
  unfinished: Map<string, KObject>;
}

const tallies = new WeakMap<object, Map<string, JobTally>>();

/** The tally of one Job (by uid) of one API server (`owner`: its object store). */
export function tallyOf(owner: object, jobUid: string): JobTally {
  let byJob = tallies.get(owner);
  if (!byJob) {
    byJob = new Map();
    tallies.set(owner, byJob);
  }
  let t = byJob.get(jobUid);
  if (!t) {
    t = { counted: new Set(), unfinished: new Map() };
    byJob.set(jobUid, t);
  }
  return t;
}
