import { describe, expect, it } from "vitest";
import { rolloutState } from "../../../src/builtins/kubectl/rollout-state.js";

// Every branch of the rules on hand-made objects; rollout-workloads.test.ts runs them against the lab's controllers.
describe("kubectl rollout-status rules", () => {
  const meta = { name: "db", generation: 3 };

  it("follows a StatefulSet through spec observation, readiness, partitions and revisions", () => {
    const base = { metadata: meta, spec: { replicas: 3, updateStrategy: { type: "RollingUpdate" } } };
    expect(rolloutState("StatefulSet", { ...base, status: { observedGeneration: 2 } })).toMatchObject({
      state: "waiting",
      message: "Waiting for statefulset spec update to be observed...",
    });
    expect(
      rolloutState("StatefulSet", { ...base, status: { observedGeneration: 3, readyReplicas: 1 } }).message,
    ).toBe("Waiting for 2 pods to be ready...");
    expect(
      rolloutState("StatefulSet", {
        ...base,
        status: {
          observedGeneration: 3,
          readyReplicas: 3,
          updatedReplicas: 1,
          updateRevision: "db-2",
          currentRevision: "db-1",
        },
      }).message,
    ).toBe("waiting for statefulset rolling update to complete 1 pods at revision db-2...");
    expect(
      rolloutState("StatefulSet", {
        metadata: meta,
        spec: { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } },
        status: { observedGeneration: 3, readyReplicas: 3, updatedReplicas: 1 },
      }),
    ).toMatchObject({
      state: "done",
      message: "partitioned roll out complete: 1 new pods have been updated...",
    });
    expect(
      rolloutState("StatefulSet", {
        ...base,
        status: {
          observedGeneration: 3,
          readyReplicas: 3,
          currentReplicas: 3,
          updateRevision: "db-2",
          currentRevision: "db-2",
        },
      }),
    ).toEqual({ state: "done", message: "statefulset rolling update complete 3 pods at revision db-2..." });
    expect(
      rolloutState("StatefulSet", { metadata: meta, spec: { updateStrategy: { type: "OnDelete" } } }),
    ).toMatchObject({
      state: "failed",
      code: "unsupported-strategy",
    });
  });

  it("follows a DaemonSet through scheduling and availability", () => {
    const base = { metadata: meta, spec: { updateStrategy: { type: "RollingUpdate" } } };
    expect(
      rolloutState("DaemonSet", {
        ...base,
        status: { observedGeneration: 3, desiredNumberScheduled: 4, updatedNumberScheduled: 2 },
      }).message,
    ).toBe('Waiting for daemon set "db" rollout to finish: 2 out of 4 new pods have been updated...');
    expect(
      rolloutState("DaemonSet", {
        ...base,
        status: {
          observedGeneration: 3,
          desiredNumberScheduled: 4,
          updatedNumberScheduled: 4,
          numberAvailable: 3,
        },
      }).message,
    ).toBe('Waiting for daemon set "db" rollout to finish: 3 of 4 updated pods are available...');
    expect(
      rolloutState("DaemonSet", {
        ...base,
        status: {
          observedGeneration: 3,
          desiredNumberScheduled: 4,
          updatedNumberScheduled: 4,
          numberAvailable: 4,
        },
      }),
    ).toEqual({ state: "done", message: 'daemon set "db" successfully rolled out' });
  });

  it("reports old replicas pending termination and a missed progress deadline for a Deployment", () => {
    expect(
      rolloutState("Deployment", {
        metadata: meta,
        spec: { replicas: 2 },
        status: { observedGeneration: 3, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      }).message,
    ).toBe('Waiting for deployment "db" rollout to finish: 1 old replicas are pending termination...');
    expect(
      rolloutState("Deployment", {
        metadata: meta,
        spec: { replicas: 2 },
        status: {
          observedGeneration: 3,
          conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
        },
      }),
    ).toEqual({
      state: "failed",
      code: "progress-deadline-exceeded",
      message: 'deployment "db" exceeded its progress deadline',
    });
  });
});
