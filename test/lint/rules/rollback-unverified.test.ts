import { describe } from "vitest";
import { rollbackUnverified } from "../../../src/lint/rules/rollback-unverified.js";
import { doc, ruleTester } from "../rule-tester.js";

const rb = (rollback: string) =>
  doc(`
checks:
  healthy:
    - id: q
      action: sql.query
      with: { connection: db, sql: "select 1" }
phases:
  - id: upgrade
    rollback:
      - action: helm.rollback
        with: { release: kryton, revision: 3 }
${rollback}    steps:
      - id: up
        action: helm.upgrade
        with: { release: kryton, chart: ./charts/kryton }
`);

describe("rollback-unverified", () => {
  ruleTester(rollbackUnverified, {
    valid: [{ name: "the rollback ends with a check", code: rb("      - check: healthy\n") }],
    invalid: [
      {
        name: "no check in the rollback",
        code: rb(""),
        errors: [
          {
            line: 14,
            column: 7,
            at: "- action: helm.rollback",
            message: "the rollback of phase upgrade is never verified",
          },
        ],
      },
    ],
  });
});
