// The custom-resource operator: spec.version sets its Deployment's image tag; status.observedVersion follows the rollout.
import type { Objects } from "../objects.js";
import type { CustomResourceConfig, ResourceType } from "../resources.js";
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
    const desired = `${repo}:${version}`;
    if (container.image !== desired) {
      container.image = desired;
      dep = objects.update(kinds.deploy, dep.metadata.namespace, depName, dep);
    }
    if (rolledOut(dep)) {
      status.observedVersion = version;
      status.phase = "Ready";
      status.message = `running ${desired}`;
    } else if (deadlineExceeded(dep)) {
      status.phase = "Failed";
      status.message = `rollout of ${desired} exceeded its progress deadline`;
    } else {
      status.phase = "Upgrading";
      status.message = `rolling out ${desired}`;
    }
    writeStatus(objects, t, cr, status);
  }
}
