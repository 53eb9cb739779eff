// The custom-resource operator: spec.version sets its Deployment's image tag; status.observedVersion follows the rollout.
import type { Objects } from "../objects.js";
import type { CustomResourceConfig, ResourceType } from "../resources.js";
import { fromLabelSelector, matchesLabels } from "../selectors.js";
import { isMap, type JsonMap, type KObject } from "../types.js";
import { type Kinds, num, specOf, statusOf, writeStatus } from "./common.js";

/** Split an image into repository and tag ("reg:5000/app:1.2" → ["reg:5000/app", "1.2"]). */
export function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

function rolledOut(dep: KObject): boolean {
  const spec = specOf(dep);
  const st = statusOf(dep);
  const want = num(spec, "replicas", 1);
  return (
    num(st, "observedGeneration") >= (dep.metadata.generation ?? 1) &&
    num(st, "updatedReplicas") === want &&
    num(st, "replicas") === want &&
    num(st, "availableReplicas") === want
  );
}

function deadlineExceeded(dep: KObject): boolean {
  const conds = statusOf(dep).conditions;
  return (
    Array.isArray(conds) &&
    conds.some((c) => isMap(c) && c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded")
  );
}

/** Why a rollout of `image` cannot succeed, read from its pods as a helm-based operator reports it; or undefined. */
function podFailure(objects: Objects, kinds: Kinds, dep: KObject, image: string): string | undefined {
  const selector = fromLabelSelector(specOf(dep).selector);
  for (const pod of objects.store.list(kinds.pod)) {
    if (pod.metadata.namespace !== dep.metadata.namespace || !matchesLabels(selector, pod.metadata.labels))
      continue;
    const containers =
      isMap(pod.spec) && Array.isArray(pod.spec.containers) ? (pod.spec.containers as JsonMap[]) : [];
    if (!containers.some((c) => c.image === image)) continue;
    const statuses = statusOf(pod).containerStatuses;
    for (const cs of Array.isArray(statuses) ? (statuses as JsonMap[]) : []) {
      const waiting = isMap(cs.state) && isMap(cs.state.waiting) ? cs.state.waiting : undefined;
      const reason = String(waiting?.reason ?? "");
      const pulling = reason === "ErrImagePull" || reason === "ImagePullBackOff";
      if (pulling || (reason === "CrashLoopBackOff" && num(cs, "restartCount") >= 2))
        return `pod ${pod.metadata.name}: ${reason}: ${String(waiting?.message ?? "")}`.trim();
    }
  }
  return undefined;
}

function readyCondition(
  status: "True" | "False" | "Unknown",
  reason: string,
  message: string,
  gen: number,
): JsonMap {
  return { type: "Ready", status, reason, message, observedGeneration: gen };
}

/** Reconcile every instance of one configured custom resource. */
export function reconcileOperator(
  objects: Objects,
  kinds: Kinds,
  t: ResourceType,
  config: CustomResourceConfig,
): void {
  const op = config.operator;
  if (!op) return;
  for (const cr of objects.store.list(t)) {
    const version = specOf(cr).version;
    if (typeof version !== "string" || version === "") continue;
    const prev = statusOf(cr);
    const status: JsonMap = { ...prev, observedGeneration: cr.metadata.generation ?? 1 };
    const depName = (op.deployment ?? "{name}").replaceAll("{name}", cr.metadata.name);
    let dep = objects.store.get(kinds.deploy, cr.metadata.namespace, depName);
    if (!dep) {
      status.phase = "Pending";
      status.message = `deployment "${depName}" not found`;
      writeStatus(objects, t, cr, status);
      continue;
    }
    const podSpec = specOf(dep).template;
    const containers =
      isMap(podSpec) && isMap(podSpec.spec) && Array.isArray(podSpec.spec.containers)
        ? (podSpec.spec.containers as JsonMap[])
        : [];
    const container = containers.find((c) => (op.container ? c.name === op.container : true));
    if (!container) {
      status.phase = "Failed";
      status.message = `deployment "${depName}" has no container ${op.container ?? ""}`.trim();
      writeStatus(objects, t, cr, status);
      continue;
    }
    const [repo] = splitImage(String(container.image ?? ""));
    const desired = `${repo}:${op.tagPrefix ?? ""}${version}`;
    const gen = cr.metadata.generation ?? 1;
    if (container.image !== desired) {
      container.image = desired;
      dep = objects.update(kinds.deploy, dep.metadata.namespace, depName, dep);
    }
    const failure = podFailure(objects, kinds, dep, desired);
    if (rolledOut(dep)) {
      status.observedVersion = version;
      status.phase = "Ready";
      status.message = `running ${desired}`;
      status.conditions = [readyCondition("True", "Reconciled", `running ${desired}`, gen)];
    } else if (deadlineExceeded(dep) || failure) {
      const message = failure
        ? `upgrade to ${desired} failed: ${failure}`
        : `rollout of ${desired} exceeded its progress deadline`;
      status.phase = "Failed";
      status.message = message;
      status.conditions = [readyCondition("False", "UpgradeFailed", message, gen)];
    } else {
      status.phase = "Upgrading";
      status.message = `rolling out ${desired}`;
      status.conditions = [readyCondition("Unknown", "Progressing", `rolling out ${desired}`, gen)];
    }
    writeStatus(objects, t, cr, status);
  }
}
