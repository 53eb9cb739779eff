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
      {
        name: "a rollout status verifies a helm upgrade",
        code: doc(
          `phases:\n  - id: change\n    steps:\n      - id: up\n        action: helm.upgrade\n        with: { release: r, chart: ./c, wait: true, timeout: 5m }\n      - id: rolled\n        action: kubectl.rolloutStatus\n        with: { name: r }\n`,
        ),
      },
      {
        name: "an http.check with an expected status verifies",
        code: doc(
          `phases:\n  - id: change\n    steps:\n      - id: up\n        action: helm.upgrade\n        with: { release: r, chart: ./c, wait: true, timeout: 5m }\n      - id: ready\n        action: http.check\n        with: { url: https://r.example/ready, expect: { status: 200 } }\n        retry: { attempts: 5, every: 5s, timeout: 1m }\n`,
        ),
      },
      {
        name: "a patch that waits for its own effect verifies itself",
        code: doc(
          `phases:\n  - id: change\n    steps:\n      - id: p\n        action: kubectl.patch\n        with: { kind: Kafka, apiVersion: kafka.strimzi.io/v1beta2, name: k, patch: { spec: { v: 1 } }, waitFor: { field: status.v, equals: 1 } }\n`,
        ),
      },
    ],
    invalid: [
      {
        name: "an http.check that only expects some 2xx does not verify",
        code: doc(
          `phases:\n  - id: change\n    steps:\n      - id: up\n        action: helm.upgrade\n        with: { release: r, chart: ./c, wait: true, timeout: 5m }\n      - id: ping\n        action: http.check\n        with: { url: https://r.example/version }\n`,
        ),
        errors: [{ line: 10, column: 17, at: "helm.upgrade" }],
      },
      {
        name: "nothing verifies the last write",
        code: doc(`${conn}phases:\n  - id: change\n    steps:\n      - check: healthy\n${write}`),
        errors: [
          { line: 18, column: 17, at: "sql.exec", message: "step w is the last write of phase change" },
        ],
      },
    ],
  });
});
