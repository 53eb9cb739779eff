import { describe } from "vitest";
import { atomicWithRollbackBoundary } from "../../../src/lint/rules/atomic-with-rollback-boundary.js";
import { doc, ruleTester } from "../rule-tester.js";

const phase = (atomic: string, rollback: string) =>
  doc(`
phases:
  - id: upgrade
    rollback:
${rollback}
    steps:
      - id: up
        action: helm.upgrade
        with:
          release: kryton
          chart: oci://r.example/kryton
          version: 3.2.0
          timeout: 15m
${atomic}
`);

const helmRollback = "      - action: helm.rollback\n        with: { release: kryton, revision: 3 }";

describe("atomic-with-rollback-boundary", () => {
  ruleTester(atomicWithRollbackBoundary, {
    valid: [
      {
        name: "wait without atomic, the boundary rolls back",
        code: phase("          wait: true", helmRollback),
      },
      {
        name: "atomic, and the boundary restores something else",
        code: phase(
          "          atomic: true",
          "      - action: snapshot.restore\n        with: { snapshot: s1 }",
        ),
      },
      {
        name: "atomic, and the boundary rolls back another release",
        code: phase(
          "          atomic: true",
          "      - action: helm.rollback\n        with: { release: other, revision: 3 }",
        ),
      },
    ],
    invalid: [
      {
        name: "atomic and helm.rollback of the same release",
        code: phase("          atomic: true", helmRollback),
        errors: [{ line: 19, column: 11, at: "atomic", message: "rolled back twice" }],
      },
    ],
  });
});
