// Deployment controller: ReplicaSets per template hash, rolling or recreate rollouts, status and conditions.
import type { Objects } from "../objects.js";
import { clone, isMap, type JsonMap, jsonEqual, type KObject, nowTime } from "../types.js";
import {
  condition,
  controllerRef,
  type Kinds,
  num,
  ownedBy,
  specOf,
  statusOf,
  templateHash,
  writeStatus,
} from "./common.js";
import { livePodsOf } from "./replicaset.js";

const REVISION = "deployment.kubernetes.io/revision";
const HASH = "pod-template-hash";

function stripHash(template: unknown): unknown {
  const t = clone(template) as JsonMap;
  const labels =
    isMap(t.metadata) && isMap(t.metadata.labels) ? (t.metadata.labels as Record<string, string>) : undefined;
  if (labels) delete labels[HASH];
  return t;
}

function revisionOf(rs: KObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? "0");
}

/** Resolve an int-or-percent against a total (surge rounds up, unavailable down). */
export function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(String(v ?? "0"));
  if (!m) return Number(v) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function setReplicas(objects: Objects, kinds: Kinds, rs: KObject, n: number, dep: KObject): KObject {
  const spec = specOf(rs);
  const ann = {
    ...(rs.metadata.annotations ?? {}),
    "deployment.kubernetes.io/desired-replicas": String(num(specOf(dep), "replicas", 1)),
  };
  if (spec.replicas === n && jsonEqual(ann, rs.metadata.annotations)) return rs;
  const next = { ...rs, metadata: { ...rs.metadata, annotations: ann }, spec: { ...spec, replicas: n } };
  return objects.update(kinds.rs, rs.metadata.namespace, rs.metadata.name, next);
}

/** Reconcile every Deployment once. */
export function reconcileDeployments(objects: Objects, kinds: Kinds): void {
  const allRs = objects.store.list(kinds.rs);
  for (const dep of objects.store.list(kinds.deploy)) {
    const owned = allRs.filter(
      (r) => r.metadata.namespace === dep.metadata.namespace && ownedBy(r, dep.metadata.uid),
    );
    reconcileOne(objects, kinds, dep, owned);
  }
}

function reconcileOne(objects: Objects, kinds: Kinds, dep: KObject, owned: KObject[]): void {
  const spec = specOf(dep);
  const replicas = num(spec, "replicas", 1);
  const template = spec.template;
  let created = false;
  let newRs = owned.find((r) => jsonEqual(stripHash(specOf(r).template), template));
  const maxRevision = Math.max(0, ...owned.filter((r) => r !== newRs).map(revisionOf));
  if (spec.paused !== true) {
    if (!newRs) {
      newRs = createReplicaSet(objects, kinds, dep, maxRevision + 1);
      created = true;
    } else if (revisionOf(newRs) <= maxRevision) {
      // Rollback to an old template: reuse its ReplicaSet and give it the newest revision.
      const ann = { ...(newRs.metadata.annotations ?? {}), [REVISION]: String(maxRevision + 1) };
      newRs = objects.update(kinds.rs, newRs.metadata.namespace, newRs.metadata.name, {
        ...newRs,
        metadata: { ...newRs.metadata, annotations: ann },
      });
    }
    const old = owned.filter((r) => r.metadata.uid !== newRs?.metadata.uid);
    const strategy = isMap(spec.strategy) ? spec.strategy : {};
    if (strategy.type === "Recreate") recreate(objects, kinds, dep, newRs, old, replicas);
    else
      rolling(
        objects,
        kinds,
        dep,
        newRs,
        old,
        replicas,
        isMap(strategy.rollingUpdate) ? strategy.rollingUpdate : {},
      );
    const revision = newRs.metadata.annotations?.[REVISION];
    if (revision && dep.metadata.annotations?.[REVISION] !== revision) {
      const ann = { ...(dep.metadata.annotations ?? {}), [REVISION]: revision };
      dep = objects.store.put(kinds.deploy, { ...dep, metadata: { ...dep.metadata, annotations: ann } });
    }
  }
  const fresh = objects.store
    .list(kinds.rs, dep.metadata.namespace)
    .filter((r) => ownedBy(r, dep.metadata.uid));
  writeStatus(objects, kinds.deploy, dep, statusFor(dep, fresh, newRs, created));
}

function createReplicaSet(objects: Objects, kinds: Kinds, dep: KObject, revision: number): KObject {
  const spec = specOf(dep);
  const tpl = clone(spec.template) as JsonMap;
  const hash = templateHash(tpl);
  const tmeta: JsonMap = isMap(tpl.metadata) ? tpl.metadata : {};
  tpl.metadata = tmeta;
  tmeta.labels = { ...(isMap(tmeta.labels) ? tmeta.labels : {}), [HASH]: hash };
  const selector = clone(isMap(spec.selector) ? spec.selector : {});
  selector.matchLabels = { ...(isMap(selector.matchLabels) ? selector.matchLabels : {}), [HASH]: hash };
  const rs: KObject = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${dep.metadata.name}-${hash}`,
      namespace: dep.metadata.namespace,
      labels: { ...((tmeta.labels as Record<string, string>) ?? {}) },
      annotations: {
        [REVISION]: String(revision),
        "deployment.kubernetes.io/desired-replicas": String(num(spec, "replicas", 1)),
        "deployment.kubernetes.io/max-replicas": String(num(spec, "replicas", 1) + 1),
      },
      ownerReferences: [controllerRef(dep)],
    },
    spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector, template: tpl },
  };
  return objects.create(kinds.rs, dep.metadata.namespace, rs);
}

function recreate(
  objects: Objects,
  kinds: Kinds,
  dep: KObject,
  newRs: KObject,
  old: KObject[],
  replicas: number,
): void {
  let oldPods = 0;
  for (const r of old) {
    setReplicas(objects, kinds, r, 0, dep);
    oldPods += livePodsOf(objects, kinds, r).length;
  }
  if (oldPods === 0) setReplicas(objects, kinds, newRs, replicas, dep);
}

function rolling(
  objects: Objects,
  kinds: Kinds,
  dep: KObject,
  newRs: KObject,
  old: KObject[],
  replicas: number,
  ru: JsonMap,
): void {
  const surge = resolveIntOrPercent(ru.maxSurge ?? "25%", replicas, true);
  let unavailable = resolveIntOrPercent(ru.maxUnavailable ?? "25%", replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  const specReplicas = (r: KObject) => num(specOf(r), "replicas");
  const available = (r: KObject) => num(statusOf(r), "availableReplicas");
  // Scale the new ReplicaSet up within the surge budget (or straight down when over).
  const total = specReplicas(newRs) + old.reduce((s, r) => s + specReplicas(r), 0);
  let target = specReplicas(newRs);
  if (target > replicas) target = replicas;
  else if (target < replicas) target = Math.min(replicas, target + Math.max(0, replicas + surge - total));
  newRs = setReplicas(objects, kinds, newRs, target, dep);
  // Scale old ReplicaSets down while keeping the minimum available.
  const minAvailable = replicas - unavailable;
  const sorted = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
  const newUnavailable = specReplicas(newRs) - available(newRs);
  let budget =
    specReplicas(newRs) + sorted.reduce((s, r) => s + specReplicas(r), 0) - minAvailable - newUnavailable;
  const sizes = new Map(sorted.map((r) => [r.metadata.uid, specReplicas(r)]));
  for (const r of sorted) {
    const unhealthy = Math.max(0, specReplicas(r) - available(r));
    const cut = Math.min(unhealthy, Math.max(0, budget));
    sizes.set(r.metadata.uid, specReplicas(r) - cut);
    budget -= cut;
  }
  let canDown =
    available(newRs) +
    sorted.reduce((s, r) => s + Math.min(available(r), sizes.get(r.metadata.uid) ?? 0), 0) -
    minAvailable;
  for (const r of sorted) {
    const size = sizes.get(r.metadata.uid) ?? 0;
    const cut = Math.min(size, Math.max(0, canDown));
    canDown -= cut;
    setReplicas(objects, kinds, r, size - cut, dep);
  }
}

function statusFor(dep: KObject, all: KObject[], newRs: KObject | undefined, created: boolean): JsonMap {
  const spec = specOf(dep);
  const prev = statusOf(dep);
  const replicas = num(spec, "replicas", 1);
  const sum = (f: (r: KObject) => number) => all.reduce((s, r) => s + f(r), 0);
  const st = (r: KObject, k: string) => num(statusOf(r), k);
  const fresh = newRs ? all.find((r) => r.metadata.uid === newRs.metadata.uid) : undefined;
  const total = sum((r) => st(r, "replicas"));
  const updated = fresh ? st(fresh, "replicas") : 0;
  const ready = sum((r) => st(r, "readyReplicas"));
  const availableCount = sum((r) => st(r, "availableReplicas"));
  const ru = isMap(spec.strategy) && isMap(spec.strategy.rollingUpdate) ? spec.strategy.rollingUpdate : {};
  const maxUnavailable =
    spec.strategy && isMap(spec.strategy) && spec.strategy.type === "Recreate"
      ? 0
      : resolveIntOrPercent(ru.maxUnavailable ?? "25%", replicas, false);
  const now = nowTime();
  const rsName = fresh?.metadata.name ?? newRs?.metadata.name ?? dep.metadata.name;
  const complete =
    updated === replicas &&
    total === replicas &&
    availableCount === replicas &&
    (!fresh || num(specOf(fresh), "replicas") === replicas);
  const counts = {
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: availableCount,
  };
  // A new spec (e.g. a rollback) counts as progress: it restarts the deadline clock.
  const newSpec = num(prev, "observedGeneration") < (dep.metadata.generation ?? 1);
  const progressed = newSpec || Object.entries(counts).some(([k, v]) => num(prev, k) !== v);
  const prevProg = Array.isArray(prev.conditions)
    ? (prev.conditions as JsonMap[]).find((c) => c.type === "Progressing")
    : undefined;
  let progressing: JsonMap;
  if (complete) {
    progressing = condition(
      prev.conditions,
      "Progressing",
      "True",
      "NewReplicaSetAvailable",
      `ReplicaSet "${rsName}" has successfully progressed.`,
      now,
      {
        lastUpdateTime: prevProg?.reason === "NewReplicaSetAvailable" ? prevProg.lastUpdateTime : now,
      },
    );
  } else if (created || progressed || !prevProg || prevProg.reason === "NewReplicaSetAvailable") {
    const reason = created ? "NewReplicaSetCreated" : "ReplicaSetUpdated";
    const message = created
      ? `Created new replica set "${rsName}"`
      : `ReplicaSet "${rsName}" is progressing.`;
    progressing = condition(prev.conditions, "Progressing", "True", reason, message, now, {
      lastUpdateTime: now,
    });
  } else if (prevProg.reason === "ProgressDeadlineExceeded") {
    progressing = prevProg;
  } else {
    const deadline = num(spec, "progressDeadlineSeconds", 600);
    const since = Date.parse(String(prevProg.lastUpdateTime ?? now));
    progressing =
      Date.now() - since > deadline * 1000
        ? condition(
            prev.conditions,
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            `ReplicaSet "${rsName}" has timed out progressing.`,
            now,
            { lastUpdateTime: now },
          )
        : prevProg;
  }
  const minimum = availableCount >= replicas - maxUnavailable;
  const availableCond = condition(
    prev.conditions,
    "Available",
    minimum ? "True" : "False",
    minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
    minimum ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
    now,
    { lastUpdateTime: now },
  );
  const prevAvail = Array.isArray(prev.conditions)
    ? (prev.conditions as JsonMap[]).find((c) => c.type === "Available")
    : undefined;
  if (prevAvail && prevAvail.status === availableCond.status)
    availableCond.lastUpdateTime = prevAvail.lastUpdateTime;
  const status: JsonMap = {
    observedGeneration: dep.metadata.generation ?? 1,
    ...counts,
    conditions: [availableCond, progressing],
  };
  const unavailable = Math.max(0, replicas - availableCount);
  if (unavailable > 0) status.unavailableReplicas = unavailable;
  return status;
}
