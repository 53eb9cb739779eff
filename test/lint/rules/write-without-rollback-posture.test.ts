import { describe } from "vitest";
import { writeWithoutRollbackPosture } from "../../../src/lint/rules/write-without-rollback-posture.js";
import { doc, ruleTester } from "../rule-tester.js";

const conn = `
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
`;

describe("write-without-rollback-posture", () => {
  ruleTester(writeWithoutRollbackPosture, {
    valid: [
      {
        name: "an exec declared effect: read outside any boundary (a signature check)",
        code: doc(`
phases:
  - id: verify
    steps:
      - id: cosign
        action: exec
        effect: read
        with: { program: cosign, args: [verify, image] }
`),
      },
      {
        name: "a write inside a rollback boundary",
        code: doc(`${conn}
phases:
  - id: migrate
    rollback:
      - action: sql.exec
        with: { connection: db, statements: ["drop table t2"] }
    steps:
      - id: create
        action: sql.exec
        with: { connection: db, statements: ["create table t2 (id int)"] }
`),
      },
      {
        name: "onFailure: halt on the step",
        code: doc(`${conn}
phases:
  - id: migrate
    steps:
      - id: create
        action: sql.exec
        onFailure: halt
        with: { connection: db, statements: ["create table t2 (id int)"] }
`),
      },
      {
        name: "onFailure: halt stated for the whole runbook",
        code: doc(`${conn}
phases:
  - id: migrate
    steps:
      - id: create
        action: sql.exec
        with: { connection: db, statements: ["create table t2 (id int)"] }
onFailure: halt
`),
      },
      {
        name: "read-only steps need no posture",
        code: doc(`${conn}
phases:
  - id: look
    steps:
      - id: q
        action: sql.query
        with: { connection: db, sql: "select 1" }
`),
      },
    ],
    invalid: [
      {
        name: "an exec that does not declare effect: read counts as a write",
        code: doc(`
phases:
  - id: verify
    steps:
      - id: cosign
        action: exec
        with: { program: cosign, args: [verify, image] }
`),
        errors: [
          { line: 10, column: 17, at: "exec", message: "step cosign writes outside any rollback boundary" },
        ],
      },
      {
        name: "a write in a plain phase under the implicit policy",
        code: doc(`${conn}
phases:
  - id: migrate
    steps:
      - id: create
        action: sql.exec
        with: { connection: db, statements: ["create table t2 (id int)"] }
`),
        errors: [
          {
            line: 13,
            column: 17,
            at: "sql.exec",
            message: "step create writes outside any rollback boundary",
          },
        ],
      },
      {
        name: "the phase says rollback but is no boundary",
        code: doc(`${conn}
phases:
  - id: migrate
    onFailure: rollback
    steps:
      - id: create
        action: sql.exec
        with: { connection: db, statements: ["create table t2 (id int)"] }
onFailure: halt
`),
        errors: [{ line: 14, column: 17, at: "sql.exec" }],
      },
      {
        name: "an action the catalog does not know is treated as a write",
        code: doc(`
phases:
  - id: deploy
    steps:
      - id: go
        action: acme.deploy
`),
        errors: [
          {
            line: 10,
            column: 17,
            at: "acme.deploy",
            message: "may write (its action is not in the catalog)",
          },
        ],
      },
    ],
  });
});
