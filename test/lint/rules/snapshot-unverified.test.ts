import { describe } from "vitest";
import { snapshotUnverified } from "../../../src/lint/rules/snapshot-unverified.js";
import { doc, ruleTester } from "../rule-tester.js";

const head = `connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: backup
    onFailure: halt
    steps:
      - id: snap
        action: snapshot.create
        with: { connection: db, label: pre }
`;
const verify = `      - id: snapOk
        action: snapshot.verify
        with: { connection: db, snapshot: "\${{ steps.snap.output.id }}" }
`;
const migrate = `  - id: migrate
    onFailure: halt
    steps:
      - id: apply
        action: sql.exec
        with: { connection: db, statements: ["update t set x = 1"] }
`;

describe("snapshot-unverified", () => {
  ruleTester(snapshotUnverified, {
    valid: [
      { name: "snapshot.verify before the first write", code: doc(`${head}${verify}${migrate}`) },
      {
        name: "a check suite that verifies the snapshot",
        code: doc(`checks:
  dump:
    - id: snapOk
      action: snapshot.verify
      with: { snapshot: "\${{ steps.snap.output.id }}" }
${head}      - check: dump
${migrate}`),
      },
      {
        name: "nothing writes after the snapshot (an audit runbook)",
        code: doc(head),
      },
      {
        name: "the only change is a restore of that snapshot, which verifies it first",
        code: doc(`${head}      - id: back
        action: snapshot.restore
        with: { connection: db, snapshot: "\${{ steps.snap.output.id }}" }
`),
      },
    ],
    invalid: [
      {
        name: "the migration runs on an unverified snapshot",
        code: doc(`${head}${migrate}`),
        errors: [
          { line: 19, column: 17, at: "sql.exec", message: "apply is the first change after snapshot snap" },
        ],
      },
      {
        name: "a verify of another snapshot does not count",
        code: doc(`${head}      - id: other
        action: snapshot.create
        with: { connection: db, label: other }
      - id: otherOk
        action: snapshot.verify
        with: { snapshot: "\${{ steps.other.output.id }}" }
${migrate}`),
        errors: [{ line: 25, column: 17, at: "sql.exec", message: "after snapshot snap," }],
      },
    ],
  });
});
