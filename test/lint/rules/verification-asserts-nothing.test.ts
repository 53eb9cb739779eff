import { describe } from "vitest";
import { verificationAssertsNothing } from "../../../src/lint/rules/verification-asserts-nothing.js";
import { doc, ruleTester } from "../rule-tester.js";

const upgrade = `phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, wait: true, timeout: 5m }
`;

describe("verification-asserts-nothing", () => {
  ruleTester(verificationAssertsNothing, {
    valid: [
      {
        name: "an expected status and an expect on the version",
        code: doc(`${upgrade}      - id: version
        action: http.check
        with: { url: https://r.example/version, expect: { status: 200 } }
        expect:
          - that: output.json.version == "1.2.3"
`),
      },
      {
        name: "a poll asserts what it waits for",
        code: doc(`${upgrade}      - id: ready
        action: kubectl.get
        with: { kind: Deployment, name: r }
        retry: { until: output.object.status.readyReplicas == 3, every: 5s, timeout: 5m }
`),
      },
      {
        name: "a read before any change (a precheck) and a baseline read later",
        code: doc(`phases:
  - id: precheck
    steps:
      - id: reachable
        action: sql.query
        with: { connection: db, sql: "select 1" }
      - id: before
        action: http.check
        with: { url: https://r.example/version }
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, wait: true, timeout: 5m }
      - id: after
        action: http.check
        with: { url: https://r.example/version, expect: { status: 200 } }
        expect:
          - that: output.json.version != steps.before.output.json.version
`),
      },
      {
        name: "exec does not make what follows a verification (its effect is its program's)",
        code: doc(`phases:
  - id: precheck
    steps:
      - id: image
        action: exec
        with: { program: crane, args: [digest, "r.example/app:1.2.3"] }
      - id: reachable
        action: sql.query
        with: { connection: db, sql: "select 1" }
`),
      },
    ],
    invalid: [
      {
        name: "an http.check after the upgrade that asserts nothing",
        code: doc(`${upgrade}      - id: version
        action: http.check
        with: { url: https://r.example/version }
`),
        errors: [
          { line: 13, column: 17, at: "http.check", message: "only checks that the server answers some 2xx" },
        ],
      },
      {
        name: "a check suite run after the change",
        code: doc(`checks:
  healthy:
    - id: exists
      action: kubectl.get
      with: { kind: Deployment, name: r }
${upgrade}      - check: healthy
`),
        errors: [{ line: 9, column: 15, at: "kubectl.get", message: "that the object exists" }],
      },
      {
        name: "a rollback read after the rollback's write",
        code: doc(`phases:
  - id: upgrade
    rollback:
      - action: helm.rollback
        with: { release: r, revision: 3 }
      - action: sql.query
        with: { connection: db, sql: "select 1" }
    steps:
      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, wait: true, timeout: 5m }
      - id: rolled
        action: kubectl.rolloutStatus
        with: { name: r }
`),
        errors: [{ line: 11, column: 17, at: "sql.query" }],
      },
    ],
  });
});
