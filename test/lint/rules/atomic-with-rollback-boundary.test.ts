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
const toPrevious = "      - id: back\n        action: helm.rollback\n        with: { release: kryton }";

describe("atomic-with-rollback-boundary", () => {
  ruleTester(atomicWithRollbackBoundary, {
    valid: [
      {
        name: "wait without atomic, the boundary rolls back to the previous revision",
        code: phase("          wait: true", toPrevious),
      },
      {
        name: "atomic, and the boundary rolls back to the revision recorded before the upgrade (it covers later steps)",
        code: phase("          atomic: true", helmRollback),
      },
      {
        name: "atomic, and the boundary rolls back to a templated recorded revision",
        code: phase(
          "          atomic: true",
          '      - action: helm.rollback\n        with: { release: kryton, revision: "${{ params.revision }}" }',
        ),
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
          "      - action: helm.rollback\n        with: { release: other }",
        ),
      },
    ],
    invalid: [
      {
        name: "atomic, and helm.rollback of the same release to the previous revision (the failed one)",
        code: phase("          atomic: true", toPrevious),
        errors: [
          { line: 10, column: 17, at: "helm.rollback", message: "previous revision is then the failed one" },
        ],
      },
    ],
  });
});
