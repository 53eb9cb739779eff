import { describe } from "vitest";
import { writePhaseUnverified } from "../../../src/lint/rules/write-phase-unverified.js";
import { doc, ruleTester } from "../rule-tester.js";

const conn = `connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
checks:
  healthy:
    - id: q
      action: sql.query
      with: { connection: db, sql: "select 1" }
`;
const write = `      - id: w
        action: sql.exec
        with: { connection: db, statements: ["update t set x = 1"] }
`;

describe("write-phase-unverified", () => {
  ruleTester(writePhaseUnverified, {
    valid: [
      {
        name: "a check after the write",
        code: doc(`${conn}phases:\n  - id: change\n    steps:\n${write}      - check: healthy\n`),
      },
      {
        name: "verification in a later phase",
        code: doc(
          `${conn}phases:\n  - id: change\n    steps:\n${write}  - id: verify\n    steps:\n      - check: healthy\n`,
        ),
      },
      {
        name: "an expect on a read after the write",
        code: doc(
          `${conn}phases:\n  - id: change\n    steps:\n${write}      - id: r\n        action: sql.query\n        with: { connection: db, sql: "select 1 as one" }\n        expect:\n          - that: output.rows.size() == 1\n`,
        ),
      },
    ],
    invalid: [
      {
        name: "nothing verifies the last write",
        code: doc(`${conn}phases:\n  - id: change\n    steps:\n      - check: healthy\n${write}`),
        errors: [{ line: 14, column: 9, at: "change", message: "phase change writes (last in step w)" }],
      },
    ],
  });
});
