import { describe } from "vitest";
import { helmUpgradeWithoutWaitOrTimeout } from "../../../src/lint/rules/helm-upgrade-without-wait-or-timeout.js";
import { doc, ruleTester } from "../rule-tester.js";

const step = (w: string) =>
  doc(`
phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with: { release: kryton, chart: oci://r.example/kryton, version: 3.2.0${w} }
`);

describe("helm-upgrade-without-wait-or-timeout", () => {
  ruleTester(helmUpgradeWithoutWaitOrTimeout, {
    valid: [
      { name: "wait and timeout", code: step(", wait: true, timeout: 15m") },
      { name: "atomic implies wait", code: step(", atomic: true, timeout: 15m") },
      {
        name: "a timeout given as a template",
        code: doc(`
params:
  rollout: { type: duration, default: 15m }
phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with: { release: kryton, chart: oci://r.example/kryton, version: 3.2.0, wait: true, timeout: "\${{ params.rollout }}" }
`),
      },
    ],
    invalid: [
      {
        name: "neither wait nor timeout",
        code: step(""),
        errors: [
          { line: 10, column: 17, at: "helm.upgrade", message: "does not wait for the rollout" },
          { line: 10, column: 17, at: "helm.upgrade", message: "has no `timeout`" },
        ],
      },
      {
        name: "wait: false",
        code: step(", wait: false, timeout: 10m"),
        errors: [{ line: 11, column: 87, at: "false", message: "set `wait: true`" }],
      },
      {
        name: "no timeout",
        code: step(", wait: true"),
        errors: [{ line: 10, column: 17, at: "helm.upgrade", message: "helm's implicit 5m" }],
      },
    ],
  });
});
