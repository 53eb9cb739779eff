// kubectl's rollout-status rules for Deployments, StatefulSets and DaemonSets, as a pure function of the object.

/** The part of a workload object the rules read. */
export interface Workload {
  metadata?: { name?: string; generation?: number; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

/** Done, still waiting (with kubectl's message), or failed for good. */
export type RolloutState =
  | { state: "done"; message: string }
  | { state: "waiting"; message: string }
  | { state: "failed"; code: string; message: string };

/** The supported kinds. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

const n = (v: number | undefined) => v ?? 0;

function deployment(name: string, o: Workload): RolloutState {
  const st = o.status ?? {};
  if (n(o.metadata?.generation) > n(st.observedGeneration)) {
    return { state: "waiting", message: "Waiting for deployment spec update to be observed..." };
  }
  const progressing = st.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return {
      state: "failed",
      code: "progress-deadline-exceeded",
      message: `deployment "${name}" exceeded its progress deadline`,
    };
  }
  const want = o.spec?.replicas;
  if (want !== undefined && n(st.updatedReplicas) < want) {
    return {
      state: "waiting",
      message: `Waiting for deployment "${name}" rollout to finish: ${n(st.updatedReplicas)} out of ${want} new replicas have been updated...`,
    };
  }
  if (n(st.replicas) > n(st.updatedReplicas)) {
    return {
      state: "waiting",
      message: `Waiting for deployment "${name}" rollout to finish: ${n(st.replicas) - n(st.updatedReplicas)} old replicas are pending termination...`,
    };
  }
  if (n(st.availableReplicas) < n(st.updatedReplicas)) {
    return {
      state: "waiting",
      message: `Waiting for deployment "${name}" rollout to finish: ${n(st.availableReplicas)} of ${n(st.updatedReplicas)} updated replicas are available...`,
    };
  }
  return { state: "done", message: `deployment "${name}" successfully rolled out` };
}

function statefulSet(_name: string, o: Workload): RolloutState {
  const st = o.status ?? {};
  const strategy = o.spec?.updateStrategy;
  if (strategy?.type && strategy.type !== "RollingUpdate") {
    return {
      state: "failed",
      code: "unsupported-strategy",
      message: "rollout status is only available for RollingUpdate strategy type",
    };
  }
  if (n(st.observedGeneration) === 0 || n(o.metadata?.generation) > n(st.observedGeneration)) {
    return { state: "waiting", message: "Waiting for statefulset spec update to be observed..." };
  }
  const want = o.spec?.replicas;
  if (want !== undefined && n(st.readyReplicas) < want) {
    return { state: "waiting", message: `Waiting for ${want - n(st.readyReplicas)} pods to be ready...` };
  }
  const partition = strategy?.rollingUpdate?.partition;
  if (partition !== undefined && want !== undefined) {
    if (n(st.updatedReplicas) < want - partition) {
      return {
        state: "waiting",
        message: `Waiting for partitioned roll out to finish: ${n(st.updatedReplicas)} out of ${want - partition} new pods have been updated...`,
      };
    }
    return {
      state: "done",
      message: `partitioned roll out complete: ${n(st.updatedReplicas)} new pods have been updated...`,
    };
  }
  if (st.updateRevision !== st.currentRevision) {
    return {
      state: "waiting",
      message: `waiting for statefulset rolling update to complete ${n(st.updatedReplicas)} pods at revision ${st.updateRevision}...`,
    };
  }
  return {
    state: "done",
    message: `statefulset rolling update complete ${n(st.currentReplicas)} pods at revision ${st.currentRevision}...`,
  };
}

function daemonSet(name: string, o: Workload): RolloutState {
  const st = o.status ?? {};
  const strategy = o.spec?.updateStrategy;
  if (strategy?.type && strategy.type !== "RollingUpdate") {
    return {
      state: "failed",
      code: "unsupported-strategy",
      message: "rollout status is only available for RollingUpdate strategy type",
    };
  }
  if (n(o.metadata?.generation) > n(st.observedGeneration)) {
    return { state: "waiting", message: "Waiting for daemon set spec update to be observed..." };
  }
  if (n(st.updatedNumberScheduled) < n(st.desiredNumberScheduled)) {
    return {
      state: "waiting",
      message: `Waiting for daemon set "${name}" rollout to finish: ${n(st.updatedNumberScheduled)} out of ${n(st.desiredNumberScheduled)} new pods have been updated...`,
    };
  }
  if (n(st.numberAvailable) < n(st.desiredNumberScheduled)) {
    return {
      state: "waiting",
      message: `Waiting for daemon set "${name}" rollout to finish: ${n(st.numberAvailable)} of ${n(st.desiredNumberScheduled)} updated pods are available...`,
    };
  }
  return { state: "done", message: `daemon set "${name}" successfully rolled out` };
}

/** Evaluate one observation of a workload the way `kubectl rollout status` does. */
export function rolloutState(kind: WorkloadKind, o: Workload): RolloutState {
  const name = o.metadata?.name ?? "";
  if (kind === "Deployment") return deployment(name, o);
  if (kind === "StatefulSet") return statefulSet(name, o);
  return daemonSet(name, o);
}
