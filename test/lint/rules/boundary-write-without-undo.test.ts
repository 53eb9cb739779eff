import { describe } from "vitest";
import { boundaryWriteWithoutUndo } from "../../../src/lint/rules/boundary-write-without-undo.js";
import { doc, ruleTester } from "../rule-tester.js";

const phase = (rollback: string, steps: string) => `connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: upgrade
    rollback:
${rollback}    steps:
${steps}`;
const helmUp = `      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, atomic: true, timeout: 5m }
`;
const rollout = `      - id: rolled
        action: kubectl.rolloutStatus
        with: { name: r }
`;
const helmBack = `      - action: helm.rollback
        with: { release: r, revision: 3 }
`;
const restore = `      - action: snapshot.restore
        with: { connection: db, snapshot: s1 }
`;

describe("boundary-write-without-undo", () => {
  ruleTester(boundaryWriteWithoutUndo, {
    valid: [
      { name: "helm.rollback undoes the upgrade", code: doc(phase(helmBack, helmUp + rollout)) },
      {
        name: "an atomic upgrade that is the boundary's last step (nothing after it can fail)",
        code: doc(phase(restore, helmUp)),
      },
      {
        name: "later steps halt instead of rolling back",
        code: doc(
          phase(
            restore,
            `${helmUp}${rollout.replace("        with:", "        onFailure: halt\n        with:")}`,
          ),
        ),
      },
      {
        name: "a reverse patch and a restore undo a patch and SQL",
        code: doc(
          phase(
            `${restore}      - action: kubectl.patch
        with: { kind: Kafka, apiVersion: kafka.strimzi.io/v1beta2, name: k, patch: { spec: { v: 1 } } }
`,
            `      - id: sql
        action: sql.exec
        with: { connection: db, statements: ["alter table t add column c int"] }
      - id: bump
        action: kubectl.patch
        with: { kind: Kafka, apiVersion: kafka.strimzi.io/v1beta2, name: k, patch: { spec: { v: 2 } } }
${rollout}`,
          ),
        ),
      },
    ],
    invalid: [
      {
        name: "an atomic upgrade with a rollout after it, and only a restore in the rollback",
        code: doc(phase(restore, helmUp + rollout)),
        errors: [
          {
            line: 15,
            column: 17,
            at: "helm.upgrade",
            message: "when step rolled fails the rollback of phase upgrade",
          },
        ],
      },
      {
        name: "a non-atomic upgrade can fail half-applied",
        code: doc(phase(restore, helmUp.replace("atomic: true", "wait: true"))),
        errors: [{ line: 15, column: 17, message: "when it fails" }],
      },
      {
        name: "a patch with no reverse patch, and SQL with no restore",
        code: doc(
          phase(
            helmBack,
            `      - id: bump
        action: kubectl.patch
        with: { kind: Kafka, apiVersion: kafka.strimzi.io/v1beta2, name: k, patch: { spec: { v: 2 } } }
      - id: sql
        action: sql.exec
        with: { connection: db, statements: ["alter table t add column c int"] }
${rollout}`,
          ),
        ),
        errors: [
          { line: 15, column: 17, at: "kubectl.patch", message: "a kubectl.patch of that object" },
          { line: 18, column: 17, at: "sql.exec", message: "a snapshot.restore" },
        ],
      },
    ],
  });
});
