// ReplicaSet controller: keep spec.replicas live pods per ReplicaSet and report ready/available counts.
import type { Objects } from "../objects.js";
import type { JsonMap, KObject } from "../types.js";
import {
  type Kinds,
  num,
  ownedBy,
  podDone,
  podFromTemplate,
  podReady,
  podTerminating,
  specOf,
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
      for (let i = live.length; i < want; i++) podFromTemplate(objects, kinds, rs);
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

/** Pods owned by a ReplicaSet whose containers may still run (Terminating ones included). */
export function livePodsOf(objects: Objects, kinds: Kinds, rs: KObject): KObject[] {
  return objects.store
    .list(kinds.pod, rs.metadata.namespace)
    .filter((p) => ownedBy(p, rs.metadata.uid) && !podDone(p));
}
