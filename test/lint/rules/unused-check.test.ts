import { describe } from "vitest";
import { unusedCheck } from "../../../src/lint/rules/unused-check.js";
import { doc, ruleTester } from "../rule-tester.js";

const checks = `checks:
  healthy:
    - id: q
      action: sql.query
      with: { connection: db, sql: "select 1" }
  deep:
    - id: d
      action: sql.query
      with: { connection: db, sql: "select 2" }
`;

describe("unused-check", () => {
  ruleTester(unusedCheck, {
    valid: [
      {
        name: "both suites run (one from a rollback)",
        code: doc(`${checks}phases:
  - id: p
    rollback:
      - check: deep
    steps:
      - check: healthy
`),
      },
    ],
    invalid: [
      {
        name: "a suite no step runs",
        code: doc(`${checks}phases:
  - id: p
    steps:
      - check: healthy
`),
        errors: [{ line: 11, column: 3, at: "deep", message: "check suite deep is never run" }],
      },
    ],
  });
});
