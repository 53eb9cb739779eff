import { describe } from "vitest";
import { retryOnUnprobedWrite } from "../../../src/lint/rules/retry-on-unprobed-write.js";
import { doc, ruleTester } from "../rule-tester.js";

const exec = (extra: string, probe = "") =>
  doc(`
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: data
    steps:
      - id: backfill
        action: sql.exec
        with: { connection: db, statements: ["update t set x = 1"]${probe} }
${extra}
`);

describe("retry-on-unprobed-write", () => {
  ruleTester(retryOnUnprobedWrite, {
    valid: [
      {
        name: "sql.exec with its probe query",
        code: exec(
          "        retry: { attempts: 3, timeout: 5m }",
          ', probe: "select count(*) = 0 from t where x <> 1"',
        ),
      },
      {
        name: "a verify postcondition",
        code: exec(
          '        retry: { attempts: 3, timeout: 5m }\n        verify:\n          action: sql.query\n          with: { connection: db, sql: "select 1" }',
        ),
      },
      {
        name: "retrying a read",
        code: doc(`
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: data
    steps:
      - id: q
        action: sql.query
        with: { connection: db, sql: "select 1" }
        retry: { attempts: 3, timeout: 1m }
`),
      },
    ],
    invalid: [
      {
        name: "sql.exec without its probe query",
        code: exec("        retry: { attempts: 3, timeout: 5m }"),
        errors: [
          {
            line: 14,
            column: 16,
            at: "{ attempts",
            message: "retries sql.exec, a write whose `probe:` query is not given",
          },
        ],
      },
      {
        name: "an unknown action",
        code: doc(`
phases:
  - id: deploy
    steps:
      - id: go
        action: acme.deploy
        retry: { attempts: 2, timeout: 5m }
`),
        errors: [{ line: 11, column: 16, at: "{ attempts", message: "not in the catalog" }],
      },
    ],
  });
});
