// DaemonSet controller: one pod per eligible Node, rolling updates within maxUnavailable, node-count status.
import type { Objects } from "../objects.js";
import { isMap, type JsonMap, type KObject } from "../types.js";
import {
  type Kinds,
  ownedBy,
  podDone,
  podFromTemplate,
  podReady,
  podTerminating,
  specOf,
  statusOf,
  writeStatus,
} from "./common.js";
import { resolveIntOrPercent } from "./deployment.js";
import { POD_REVISION, pruneRevisions, type Revision, syncRevisions } from "./revisions.js";

const TEMPLATE_GENERATION = "pod-template-generation";

// A node runs the DaemonSet when its labels match the template's nodeSelector and it is not cordoned.
function eligible(ds: KObject, node: KObject): boolean {
  if (isMap(node.spec) && node.spec.unschedulable === true) return false;
  const tpl = specOf(ds).template;
  const sel = isMap(tpl) && isMap(tpl.spec) && isMap(tpl.spec.nodeSelector) ? tpl.spec.nodeSelector : {};
  const labels = node.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

const nodeOf = (p: KObject) => (isMap(p.spec) ? String(p.spec.nodeName ?? "") : "");
const available = (p: KObject) => statusOf(p).phase === "Running" && podReady(p) && !podTerminating(p);

/** Reconcile every DaemonSet once. */
export function reconcileDaemonSets(objects: Objects, kinds: Kinds): void {
  const pods = objects.store.list(kinds.pod);
  const nodes = objects.store.list(kinds.node);
  for (const ds of objects.store.list(kinds.ds)) {
    const mine = pods.filter(
      (p) => p.metadata.namespace === ds.metadata.namespace && ownedBy(p, ds.metadata.uid),
    );
    reconcileOne(
      objects,
      kinds,
      ds,
      mine,
      nodes.filter((n) => eligible(ds, n)),
    );
  }
}

function reconcileOne(objects: Objects, kinds: Kinds, ds: KObject, mine: KObject[], nodes: KObject[]): void {
  const revisions = syncRevisions(objects, kinds, ds);
  const update = revisions.update;
  const names = new Set(nodes.map((n) => n.metadata.name));
  const del = (p: KObject) => objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
  // Failed pods and pods on nodes that should not run the daemon go; every eligible node gets one pod.
  for (const p of mine) if (!podTerminating(p) && (podDone(p) || !names.has(nodeOf(p)))) del(p);
  const live = (node: string) => mine.filter((p) => nodeOf(p) === node && !podDone(p) && !podTerminating(p));
  for (const node of names) {
    const running = live(node);
    if (running.length === 0) createPod(objects, kinds, ds, node, update);
    // More than one pod on a node: keep an updated one (or the oldest), delete the rest.
    const keep = running.find((p) => p.metadata.labels?.[POD_REVISION] === update.hash) ?? running[0];
    for (const p of running) if (p !== keep) del(p);
  }
  const strategy = isMap(specOf(ds).updateStrategy) ? (specOf(ds).updateStrategy as JsonMap) : {};
  if (strategy.type === "RollingUpdate") rollOut(objects, kinds, ds, nodes, update, strategy);
  const fresh = objects.store
    .list(kinds.pod, ds.metadata.namespace)
    .filter((p) => ownedBy(p, ds.metadata.uid) && !podDone(p));
  const inUse = new Set(
    fresh.map((p) => revisions.all.find((r) => r.hash === p.metadata.labels?.[POD_REVISION])?.name ?? ""),
  );
  pruneRevisions(objects, kinds, ds, revisions, inUse);
  writeStatus(objects, kinds.ds, ds, statusFor(ds, nodes, fresh, update));
}

// Delete old pods: unavailable ones at once, available ones while fewer than maxUnavailable nodes are down.
function rollOut(
  objects: Objects,
  kinds: Kinds,
  ds: KObject,
  nodes: KObject[],
  update: Revision,
  strategy: JsonMap,
): void {
  const ru = isMap(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const maxUnavailable = Math.max(1, resolveIntOrPercent(ru.maxUnavailable ?? 1, nodes.length, true));
  const pods = objects.store
    .list(kinds.pod, ds.metadata.namespace)
    .filter((p) => ownedBy(p, ds.metadata.uid) && !podDone(p) && !podTerminating(p));
  const on = (n: KObject) => pods.filter((p) => nodeOf(p) === n.metadata.name);
  let down = nodes.filter((n) => !on(n).some(available)).length;
  for (const n of nodes) {
    for (const p of on(n)) {
      if (p.metadata.labels?.[POD_REVISION] === update.hash) continue;
      if (!available(p)) objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
      else if (down < maxUnavailable) {
        objects.delete(kinds.pod, p.metadata.namespace, p.metadata.name);
        down++;
      }
    }
  }
}

function createPod(objects: Objects, kinds: Kinds, ds: KObject, node: string, rev: Revision): KObject {
  return podFromTemplate(objects, kinds, ds, rev.template, {
    labels: {
      [POD_REVISION]: rev.hash,
      [TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1),
    },
    spec: { nodeName: node },
  });
}

function statusFor(ds: KObject, nodes: KObject[], pods: KObject[], update: Revision): JsonMap {
  const desired = nodes.length;
  const onNode = (n: KObject) => pods.filter((p) => nodeOf(p) === n.metadata.name && !podTerminating(p));
  const scheduled = nodes.filter((n) => onNode(n).length > 0).length;
  const ready = nodes.filter((n) => onNode(n).some(available)).length;
  const updated = nodes.filter((n) =>
    onNode(n).some((p) => p.metadata.labels?.[POD_REVISION] === update.hash),
  ).length;
  const status: JsonMap = {
    currentNumberScheduled: scheduled,
    numberMisscheduled: 0,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated,
    numberAvailable: ready,
    numberUnavailable: desired - ready,
  };
  // Like the real API, these counters are left out when zero (omitempty).
  for (const k of ["updatedNumberScheduled", "numberAvailable", "numberUnavailable"]) {
    if (status[k] === 0) delete status[k];
  }
  return status;
}
