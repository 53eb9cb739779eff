// StatefulSet controller: pods <name>-0..N-1 created in order, rolling updates in reverse ordinal order above the partition.
import type { Objects } from "../objects.js";
import { isMap, type JsonMap, type KObject } from "../types.js";
import {
  type Kinds,
  num,
  ownedBy,
  podDone,
  podFromTemplate,
  podReady,
  podTerminating,
  specOf,
  statusOf,
  writeStatus,
} from "./common.js";
import { POD_REVISION, pruneRevisions, type Revision, syncRevisions } from "./revisions.js";

const revisionOf = (p: KObject) => p.metadata.labels?.[POD_REVISION];

// Running and Ready, the real controller's "healthy" for ordered management.
const healthy = (p: KObject) => statusOf(p).phase === "Running" && podReady(p) && !podTerminating(p);

/** Reconcile every StatefulSet once. */
export function reconcileStatefulSets(objects: Objects, kinds: Kinds): void {
  const pods = objects.store.list(kinds.pod);
  for (const sts of objects.store.list(kinds.sts)) {
    const mine = pods.filter(
      (p) => p.metadata.namespace === sts.metadata.namespace && ownedBy(p, sts.metadata.uid),
    );
    reconcileOne(objects, kinds, sts, mine);
  }
}

function ordinalOf(sts: KObject, pod: KObject): number {
  const prefix = `${sts.metadata.name}-`;
  const rest = pod.metadata.name.startsWith(prefix) ? pod.metadata.name.slice(prefix.length) : "";
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}

function reconcileOne(objects: Objects, kinds: Kinds, sts: KObject, mine: KObject[]): void {
  const revisions = syncRevisions(objects, kinds, sts);
  const update = revisions.update;
  const recorded = statusOf(sts).currentRevision;
  const current = revisions.all.find((r) => r.name === recorded) ?? update;
  const byOrdinal = new Map<number, KObject>();
  for (const p of mine) {
    const i = ordinalOf(sts, p);
    // Pods that ended (or do not follow the naming) are replaced, as the real controller does with failed pods.
    if (i < 0 || podDone(p)) {
      if (!podTerminating(p)) objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
    } else byOrdinal.set(i, p);
  }
  manage(objects, kinds, sts, byOrdinal, current, update);
  const fresh = objects.store
    .list(kinds.pod, sts.metadata.namespace)
    .filter((p) => ownedBy(p, sts.metadata.uid) && !podDone(p) && ordinalOf(sts, p) >= 0);
  const status = statusFor(sts, fresh, current, update);
  const inUse = new Set([String(status.currentRevision), ...fresh.map((p) => revisionOf(p) ?? "")]);
  pruneRevisions(objects, kinds, sts, revisions, inUse);
  writeStatus(objects, kinds.sts, sts, status);
}

// One step of pod management; with OrderedReady it stops at the first pod that is not Running and Ready.
function manage(
  objects: Objects,
  kinds: Kinds,
  sts: KObject,
  pods: Map<number, KObject>,
  current: Revision,
  update: Revision,
): void {
  const spec = specOf(sts);
  const replicas = num(spec, "replicas", 1);
  const ordered = spec.podManagementPolicy !== "Parallel";
  const strategy = isMap(spec.updateStrategy) ? spec.updateStrategy : {};
  const partition =
    strategy.type === "RollingUpdate" && isMap(strategy.rollingUpdate)
      ? num(strategy.rollingUpdate, "partition")
      : 0;
  let blocked = false;
  for (let i = 0; i < replicas; i++) {
    const pod = pods.get(i);
    if (!pod) {
      // Below the partition a recreated pod keeps the current revision; above it, the update revision.
      const rev = current.name !== update.name && i < partition ? current : update;
      pods.set(i, createPod(objects, kinds, sts, i, rev));
      if (ordered) return;
      blocked = true;
      continue;
    }
    if (!healthy(pod)) {
      if (ordered) return;
      blocked = true;
    }
  }
  // Scale down from the highest ordinal, one pod at a time when ordered.
  const condemned = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
  for (const i of condemned) {
    const pod = pods.get(i) as KObject;
    if (podTerminating(pod)) {
      if (ordered) return;
      continue;
    }
    objects.delete(kinds.pod, pod.metadata.namespace, pod.metadata.name);
    if (ordered) return;
  }
  if (strategy.type !== "RollingUpdate" || blocked) return;
  // Rolling update: from the highest ordinal down to the partition, replace one pod at a time.
  for (let i = replicas - 1; i >= partition; i--) {
    const pod = pods.get(i);
    if (!pod) return;
    if (revisionOf(pod) !== update.name && !podTerminating(pod)) {
      objects.delete(kinds.pod, pod.metadata.namespace, pod.metadata.name);
      return;
    }
    if (!healthy(pod)) return;
  }
}

function createPod(objects: Objects, kinds: Kinds, sts: KObject, i: number, rev: Revision): KObject {
  const name = `${sts.metadata.name}-${i}`;
  const serviceName = specOf(sts).serviceName;
  return podFromTemplate(objects, kinds, sts, rev.template, {
    name,
    labels: {
      [POD_REVISION]: rev.name,
      "statefulset.kubernetes.io/pod-name": name,
      "apps.kubernetes.io/pod-index": String(i),
    },
    spec: {
      hostname: name,
      ...(typeof serviceName === "string" && serviceName ? { subdomain: serviceName } : {}),
    },
  });
}

function statusFor(sts: KObject, pods: KObject[], current: Revision, update: Revision): JsonMap {
  const live = pods.filter((p) => !podTerminating(p));
  const ready = pods.filter((p) => statusOf(p).phase === "Running" && podReady(p)).length;
  const status: JsonMap = {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    readyReplicas: ready,
    currentReplicas: live.filter((p) => revisionOf(p) === current.name).length,
    updatedReplicas: live.filter((p) => revisionOf(p) === update.name).length,
    availableReplicas: ready,
    currentRevision: current.name,
    updateRevision: update.name,
    collisionCount: 0,
  };
  // The rollout is complete once every pod runs the update revision and is ready.
  const strategy = specOf(sts).updateStrategy;
  const rolling = isMap(strategy) && strategy.type === "RollingUpdate";
  if (rolling && status.updatedReplicas === status.replicas && ready === status.replicas) {
    status.currentRevision = update.name;
    status.currentReplicas = status.updatedReplicas;
  }
  // Like the real API, counters that are zero are left out (omitempty), replicas and availableReplicas stay.
  for (const k of ["readyReplicas", "currentReplicas", "updatedReplicas"])
    if (status[k] === 0) delete status[k];
  return status;
}
