import { describe } from "vitest";
import { rollbackRestoreBeforeApp } from "../../../src/lint/rules/rollback-restore-before-app.js";
import { doc, ruleTester } from "../rule-tester.js";

const helmBack = `      - action: helm.rollback
        with: { release: r, revision: 3 }
`;
const restore = `      - action: snapshot.restore
        with: { connection: db, snapshot: s1 }
`;
const body = (upgradeRollback: string, verifyRollback = "") => `connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: upgrade
    rollback:
${upgradeRollback}    steps:
      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, atomic: true, timeout: 5m }
${verifyRollback ? `  - id: verify\n    rollback:\n${verifyRollback}    steps:\n      - id: rolled\n        action: kubectl.rolloutStatus\n        with: { name: r }\n` : ""}`;

describe("rollback-restore-before-app", () => {
  ruleTester(rollbackRestoreBeforeApp, {
    valid: [
      { name: "the application first, then the database", code: doc(body(helmBack + restore)) },
      { name: "no application rollback at all (SQL only)", code: doc(body(restore)) },
      {
        name: "the application rollback in a newer boundary, which unwinds first",
        code: doc(body(restore, helmBack)),
      },
      {
        name: "the application is scaled to zero before the restore",
        code: doc(
          body(`      - action: kubectl.patch
        with: { kind: Deployment, name: r, patch: { spec: { replicas: 0 } } }
${restore}${helmBack}`),
        ),
      },
    ],
    invalid: [
      {
        name: "the restore runs under the new version",
        code: doc(body(restore + helmBack)),
        errors: [
          { line: 11, column: 17, at: "snapshot.restore", message: "while the new version still runs" },
        ],
      },
      {
        name: "an older boundary's app rollback runs after a newer boundary's restore",
        code: doc(body(helmBack, restore)),
        errors: [{ line: 19, column: 17, at: "snapshot.restore" }],
      },
    ],
  });
});
