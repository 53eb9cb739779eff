import { describe } from "vitest";
import { secretInHelmValues } from "../../../src/lint/rules/secret-in-helm-values.js";
import { doc, ruleTester } from "../rule-tester.js";

const body = (set: string) => `params:
  adminPassword: { type: secret, from: env.ADMIN_PASSWORD }
  adminSecret: { type: string, default: grafana-admin }
env:
  TOKEN: { secret: true }
phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with: { release: g, chart: grafana/grafana, version: 8.10.1, wait: true, timeout: 5m, ${set} }
`;

describe("secret-in-helm-values", () => {
  ruleTester(secretInHelmValues, {
    valid: [
      {
        name: "the chart is given the name of an existing Secret",
        code: doc(body('set: { admin.existingSecret: "${{ params.adminSecret }}" }')),
      },
    ],
    invalid: [
      {
        name: "a secret param as a set value",
        code: doc(body('set: { adminPassword: "${{ params.adminPassword }}" }')),
        errors: [
          {
            line: 16,
            column: 122,
            at: "params.adminPassword",
            message: "passed to helm as the value `adminPassword`",
          },
        ],
      },
      {
        name: "a secret env var in setString",
        code: doc(body('setString: { auth.token: "${{ env.TOKEN }}" }')),
        errors: [{ line: 16, column: 125, at: "env.TOKEN" }],
      },
    ],
  });
});
