import { describe } from "vitest";
import { rollbackReadsUnavailableOutput } from "../../../src/lint/rules/rollback-reads-unavailable-output.js";
import { doc, ruleTester } from "../rule-tester.js";

const precheck = `
  - id: precheck
    steps:
      - id: history
        action: helm.history
        with: { release: kryton, max: 5 }
`;

describe("rollback-reads-unavailable-output", () => {
  ruleTester(rollbackReadsUnavailableOutput, {
    valid: [
      {
        name: "reading a value recorded before the boundary",
        code: doc(`
phases:${precheck}
  - id: upgrade
    rollback:
      - action: helm.rollback
        with: { release: kryton, revision: "\${{ steps.history.output.current.revision }}" }
    steps:
      - id: upgrade
        action: helm.upgrade
        with: { release: kryton, chart: ./charts/kryton }
`),
      },
      {
        name: "a read inside the boundary guarded by has() in when",
        code: doc(`
phases:
  - id: upgrade
    rollback:
      - action: snapshot.restore
        when: has(steps.migrate.output) && steps.migrate.output.applied.size() > 0
        with: { snapshot: "\${{ steps.migrate.output.id }}" }
    steps:
      - id: migrate
        action: sql.migrations
        with: { connection: db, table: t }
`),
      },
      {
        name: "later phases and later rollback steps are the checker's step-not-yet-run, not reported twice",
        code: doc(`
phases:
  - id: first
    rollback:
      - id: undo
        action: acme.undo
        with: { ref: "\${{ steps.later.output.id }}", other: "\${{ steps.after.output.id }}" }
      - id: after
        action: acme.undo2
    steps:
      - id: one
        action: acme.one
  - id: second
    steps:
      - id: later
        action: acme.two
`),
      },
    ],
    invalid: [
      {
        name: "a rollback reading an output produced inside its own boundary",
        code: doc(`
phases:
  - id: upgrade
    rollback:
      - action: snapshot.restore
        when: steps.migrate.output.applied.size() > 0
        with: { snapshot: s1 }
    steps:
      - id: migrate
        action: sql.migrations
        with: { connection: db, table: t }
`),
        errors: [
          {
            line: 10,
            column: 15,
            at: "steps.migrate.output.applied",
            message: "reads steps.migrate, which runs inside the same boundary",
          },
        ],
      },
      {
        name: "a template reading a step that `when` may skip",
        code: doc(`
phases:
  - id: precheck
    steps:
      - id: history
        action: helm.history
        when: params.helm
        with: { release: kryton }
  - id: upgrade
    rollback:
      - action: helm.rollback
        with: { release: kryton, revision: "\${{ steps.history.output.current.revision }}" }
    steps:
      - id: upgrade
        action: helm.upgrade
        with: { release: kryton, chart: ./charts/kryton }
params:
  helm: { type: bool, default: true }
`),
        errors: [{ line: 16, column: 49, at: "steps.history.output", message: "which its `when` may skip" }],
      },
    ],
  });
});
