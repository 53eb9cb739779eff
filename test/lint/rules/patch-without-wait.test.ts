import { describe } from "vitest";
import { patchWithoutWait } from "../../../src/lint/rules/patch-without-wait.js";
import { doc, ruleTester } from "../rule-tester.js";

const patch = (extra = "") => `phases:
  - id: upgrade
    steps:
      - id: bump
        action: kubectl.patch
        with: { kind: Prometheus, apiVersion: monitoring.coreos.com/v1, name: k8s, patch: { spec: { version: v3.1.0 } }${extra} }
`;
const poll = `      - id: reconciled
        action: kubectl.get
        with: { kind: Prometheus, apiVersion: monitoring.coreos.com/v1, name: k8s }
        retry: { until: output.object.status.observedGeneration == output.object.metadata.generation, every: 10s, timeout: 20m }
`;
const version = `      - id: version
        action: http.check
        with: { url: https://prom.example/api/v1/status/buildinfo, expect: { status: 200 } }
`;

describe("patch-without-wait", () => {
  ruleTester(patchWithoutWait, {
    valid: [
      {
        name: "waitFor on the patch",
        code: doc(patch(", waitFor: { field: status.version, equals: v3.1.0 }")),
      },
      { name: "a poll of the resource after the patch", code: doc(`${patch()}${poll}${version}`) },
      {
        name: "a rollout status after the patch",
        code: doc(`${patch()}      - id: sts
        action: kubectl.rolloutStatus
        with: { kind: statefulset, name: prometheus-k8s }
`),
      },
      {
        name: "a check suite that polls, and a ConfigMap patch (nothing reconciles it)",
        code: doc(`checks:
  reconciled:
${poll.replace(/^ {6}/gm, "    ")}${patch()}      - check: reconciled
      - id: cm
        action: kubectl.patch
        with: { kind: ConfigMap, name: settings, patch: { data: { a: "1" } } }
`),
      },
    ],
    invalid: [
      {
        name: "the version is read at once, racing the operator",
        code: doc(`${patch()}${version}`),
        errors: [{ line: 10, column: 17, at: "kubectl.patch", message: "nothing waits for the operator" }],
      },
      {
        name: "the wait comes only after the next change",
        code: doc(`${patch()}      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, wait: true, timeout: 5m }
${poll}`),
        errors: [{ line: 10, column: 17, at: "kubectl.patch", message: "before the next change (up)" }],
      },
      {
        name: "a Deployment patched with nothing waiting for its rollout",
        code: doc(`phases:
  - id: upgrade
    steps:
      - id: image
        action: kubectl.patch
        with: { kind: Deployment, name: api, type: strategic, patch: { spec: { template: { spec: { containers: [{ name: api, image: "r.example/api:1.2.3" }] } } } } }
`),
        errors: [{ line: 10, column: 17, message: "a deployment" }],
      },
    ],
  });
});
