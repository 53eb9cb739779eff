// POST pods/{name}/eviction (policy/v1 Eviction), as `kubectl drain` sends it: the pod is marked
// DisruptionTarget (so a Job's podFailurePolicy can ignore it) and deleted gracefully. PodDisruptionBudgets are
// not served, so every eviction is allowed.
import type { ApiContext } from "./context.js";
import { notFound } from "./errors.js";
import type { ResourceType } from "./resources.js";
import { isMap, type JsonMap, nowTime } from "./types.js";

/** The condition an evicted pod carries until it is gone. */
export const DISRUPTION_TARGET = "DisruptionTarget";

/** Evict one pod; answers the Status the API server gives. */
export function evictPod(
  ctx: ApiContext,
  t: ResourceType,
  namespace: string,
  name: string,
  body: unknown,
): JsonMap {
  const pod = ctx.store.get(t, namespace, name);
  if (!pod) throw notFound(t, name);
  const status = isMap(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions)
    ? status.conditions.filter((c) => !isMap(c) || c.type !== DISRUPTION_TARGET)
    : [];
  const now = nowTime();
  conditions.push({
    type: DISRUPTION_TARGET,
    status: "True",
    reason: "EvictionByEvictionAPI",
    message: "Eviction API: evicting",
    lastProbeTime: null,
    lastTransitionTime: now,
  });
  ctx.store.put(t, { ...pod, status: { ...status, conditions } });
  const options = isMap(body) && isMap(body.deleteOptions) ? body.deleteOptions : {};
  const grace = options.gracePeriodSeconds;
  ctx.objects.delete(t, namespace, name, typeof grace === "number" ? { gracePeriodSeconds: grace } : {});
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
}
