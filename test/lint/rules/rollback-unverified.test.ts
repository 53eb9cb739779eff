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
    valid: [
      { name: "the rollback ends with a check", code: rb("      - check: healthy\n") },
      {
        name: "a rollout status after the rollback's last write verifies it",
        code: rb("      - action: kubectl.rolloutStatus\n        with: { name: kryton, timeout: 5m }\n"),
      },
      {
        name: "an http.check with an expected status, retried, verifies it",
        code: rb(
          "      - action: http.check\n        with: { url: https://kryton.example/readyz, expect: { status: 200 } }\n        retry: { attempts: 10, every: 5s, timeout: 2m }\n",
        ),
      },
    ],
    invalid: [
      {
        name: "no check in the rollback",
        code: rb(""),
        errors: [
          {
            line: 14,
            column: 17,
            at: "helm.rollback",
            message: "helm.rollback is the last write of the rollback of phase upgrade",
          },
        ],
      },
      {
        name: "the only check runs before the rollback's last write (the restore)",
        code: rb(
          "      - check: healthy\n      - action: snapshot.restore\n        with: { connection: db, snapshot: s1 }\n",
        ),
        errors: [{ line: 17, column: 17, at: "snapshot.restore" }],
      },
      {
        name: "an http.check with no expected status does not verify",
        code: rb("      - action: http.check\n        with: { url: https://kryton.example/version }\n"),
        errors: [{ line: 14, column: 17, at: "helm.rollback" }],
      },
    ],
  });
});
