// ReplicaSet controller: keep spec.replicas live pods per ReplicaSet and report ready/available counts.
import { type Objects, randomSuffix } from "../objects.js";
import { clone, isMap, type JsonMap, type KObject } from "../types.js";
import {
  controllerRef,
  type Kinds,
  num,
  ownedBy,
  podDone,
  podReady,
  podTerminating,
  specOf,
  statusOf,
  writeStatus,
} from "./common.js";

/** Create or delete pods so each ReplicaSet has its desired count; update its status. */
export function reconcileReplicaSets(objects: Objects, kinds: Kinds): void {
  const pods = objects.store.list(kinds.pod);
  for (const rs of objects.store.list(kinds.rs)) {
    const spec = specOf(rs);
    const mine = pods.filter(
      (p) => p.metadata.namespace === rs.metadata.namespace && ownedBy(p, rs.metadata.uid),
    );
    const live = mine.filter((p) => !podDone(p) && !podTerminating(p));
    const want = num(spec, "replicas", 1);
    if (live.length < want) {
      for (let i = live.length; i < want; i++) newPod(objects, rs, kinds);
    } else if (live.length > want) {
      // Delete not-ready pods first, then the newest.
      const order = [...live].sort((a, b) => {
        const ra = podReady(a) ? 1 : 0;
        const rb = podReady(b) ? 1 : 0;
        if (ra !== rb) return ra - rb;
        return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
      });
      for (const p of order.slice(0, live.length - want))
        objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
    }
    const current = objects.store
      .list(kinds.pod, rs.metadata.namespace)
      .filter((p) => ownedBy(p, rs.metadata.uid) && !podDone(p) && !podTerminating(p));
    const ready = current.filter(podReady).length;
    const status: JsonMap = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    writeStatus(objects, kinds.rs, rs, status);
  }
}

function newPod(objects: Objects, rs: KObject, kinds: Kinds): KObject {
  const tpl = specOf(rs).template;
  const t = isMap(tpl) ? clone(tpl) : {};
  const meta = isMap(t.metadata) ? t.metadata : {};
  const pod: KObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...meta,
      name: `${rs.metadata.name}-${randomSuffix()}`,
      namespace: rs.metadata.namespace,
      ownerReferences: [controllerRef(rs)],
    },
    spec: isMap(t.spec) ? t.spec : {},
  };
  return objects.create(kinds.pod, rs.metadata.namespace, pod);
}

/** Pods owned by a ReplicaSet whose containers may still run (Terminating ones included). */
export function livePodsOf(objects: Objects, kinds: Kinds, rs: KObject): KObject[] {
  return objects.store
    .list(kinds.pod, rs.metadata.namespace)
    .filter((p) => ownedBy(p, rs.metadata.uid) && !podDone(p));
}

/** Status counter helper for callers. */
export function readyOf(rs: KObject): number {
  return num(statusOf(rs), "availableReplicas");
}
