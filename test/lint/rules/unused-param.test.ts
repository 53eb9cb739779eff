import { describe } from "vitest";
import { unusedParam } from "../../../src/lint/rules/unused-param.js";
import { doc, ruleTester, TAIL } from "../rule-tester.js";

describe("unused-param", () => {
  ruleTester(unusedParam, {
    valid: [
      {
        name: "params read by a connection, a guard and a template",
        code: doc(`
params:
  ns: { type: string, default: kryton }
  v: { type: semver }
  url: { type: url }
connections:
  cluster: { kind: kubernetes, namespace: "\${{ params.ns }}" }
guards:
  - that: params.v != semver("0.0.0")
phases:
  - id: p
    steps:
      - id: s
        action: http.check
        with: { url: "\${{ params.url }}/healthz" }
`),
      },
      {
        name: "params read only by a duration template and by another param's default",
        code: doc(`
params:
  wait: { type: duration, default: 2m }
  base: { type: semver, default: "1.0.0" }
  chart: { type: string, default: "\${{ string(params.base) }}" }
phases:
  - id: p
    steps:
      - id: s
        action: http.check
        with: { url: "http://127.0.0.1/\${{ params.chart }}" }
        timeout: "\${{ params.wait }}"
`),
      },
    ],
    invalid: [
      {
        name: "a param nobody reads",
        code: doc(`
params:
  used: { type: string, default: a }
  forgotten: { type: int, default: 3 }
guards:
  - that: params.used != ""
${TAIL}`),
        errors: [{ line: 8, column: 3, at: "forgotten", message: "param forgotten is never used" }],
      },
    ],
  });
});
