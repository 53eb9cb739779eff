import { describe } from "vitest";
import { retryWithoutTimeout } from "../../../src/lint/rules/retry-without-timeout.js";
import { doc, ruleTester } from "../rule-tester.js";

const step = (extra: string) =>
  doc(`
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: wait
    steps:
      - id: ready
        action: sql.query
        with: { connection: db, sql: "select 1 as ok" }
${extra}
`);

describe("retry-without-timeout", () => {
  ruleTester(retryWithoutTimeout, {
    valid: [
      {
        name: "a poll with an overall timeout",
        code: step("        retry: { until: output.rows.size() > 0, every: 5s, timeout: 5m }"),
      },
      {
        name: "attempts with a per-attempt step timeout",
        code: step("        timeout: 30s\n        retry: { attempts: 3, every: 5s }"),
      },
      { name: "no retry", code: step("") },
      {
        name: "an overall timeout given as a template",
        code: doc(`
params:
  wait: { type: duration, default: 5m }
phases:
  - id: wait
    steps:
      - id: ready
        action: http.check
        with: { url: "http://127.0.0.1/readyz" }
        retry: { every: 5s, timeout: "\${{ params.wait }}" }
`),
      },
      {
        name: "attempts with a step timeout given as a template",
        code: doc(`
params:
  wait: { type: duration, default: 30s }
phases:
  - id: wait
    steps:
      - id: ready
        action: http.check
        with: { url: "http://127.0.0.1/readyz" }
        timeout: "\${{ params.wait }}"
        retry: { attempts: 3, every: "\${{ params.wait }}" }
`),
      },
    ],
    invalid: [
      {
        name: "a poll without timeout",
        code: step("        retry: { until: output.rows.size() > 0, every: 5s }"),
        errors: [
          { line: 14, column: 16, at: "{ until", message: "the poll of step ready has no overall deadline" },
        ],
      },
      {
        name: "attempts without any timeout",
        code: step("        retry:\n          attempts: 5\n          every: 10s"),
        errors: [{ line: 15, column: 11, at: "attempts", message: "the retry of step ready" }],
      },
    ],
  });
});
