import { describe } from "vitest";
import { helmReuseValues } from "../../../src/lint/rules/helm-reuse-values.js";
import { doc, ruleTester } from "../rule-tester.js";

const upgrade = (extra: string) => `phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with:
          release: kps
          chart: prometheus-community/kube-prometheus-stack
${extra}          wait: true
          timeout: 15m
`;

describe("helm-reuse-values", () => {
  ruleTester(helmReuseValues, {
    valid: [
      {
        name: "the reviewed values files",
        code: doc(upgrade("          version: 69.8.2\n          values: [values.yaml]\n")),
      },
      {
        name: "reuseValues without a chart change",
        code: doc(upgrade("          reuseValues: true\n          set: { grafana.enabled: false }\n")),
      },
      {
        name: "resetThenReuseValues keeps the new chart's defaults",
        code: doc(
          upgrade(
            "          version: 69.8.2\n          reuseValues: true\n          resetThenReuseValues: true\n",
          ),
        ),
      },
    ],
    invalid: [
      {
        name: "reuseValues on a chart version change",
        code: doc(upgrade("          version: 69.8.2\n          reuseValues: true\n")),
        errors: [
          {
            line: 15,
            column: 11,
            at: "reuseValues",
            message: "changes the chart version with `reuseValues: true`",
          },
        ],
      },
    ],
  });
});
