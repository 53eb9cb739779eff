import { describe } from "vitest";
import { upgradeWithoutBackup } from "../../../src/lint/rules/upgrade-without-backup.js";
import { doc, ruleTester } from "../rule-tester.js";

const upgrade = `
      - id: upgrade
        action: helm.upgrade
        with: { release: kryton, chart: oci://r.example/kryton, version: 3.2.0, wait: true, timeout: 15m }
`;

describe("upgrade-without-backup", () => {
  ruleTester(upgradeWithoutBackup, {
    valid: [
      {
        name: "a snapshot in an earlier phase",
        code: doc(`
phases:
  - id: backup
    steps:
      - id: snap
        action: snapshot.create
        with: { connection: db, label: pre-upgrade }
  - id: upgrade
    steps:${upgrade}`),
      },
      {
        name: "a configured backup action counts",
        options: { backupActions: ["acme.backup"] },
        code: doc(`
phases:
  - id: upgrade
    steps:
      - id: dump
        action: acme.backup
${upgrade}`),
      },
      {
        name: "sql.migrations is read-only in the catalog (it verifies), so it is no upgrade",
        code: doc(`
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: verify
    steps:
      - id: migrations
        action: sql.migrations
        with: { connection: db, table: drizzle.__drizzle_migrations }
`),
      },
      {
        name: "a runbook with no database and no volume holds nothing rbx could snapshot (a gateway)",
        code: doc(`
phases:
  - id: upgrade
    steps:${upgrade}`),
      },
    ],
    invalid: [
      {
        name: "a runbook that patches a PersistentVolumeClaim holds state",
        code: doc(`
phases:
  - id: upgrade
    steps:${upgrade}
      - id: grow
        action: kubectl.patch
        with: { kind: PersistentVolumeClaim, name: data, patch: { spec: { resources: { requests: { storage: 20Gi } } } } }
`),
        errors: [
          { line: 10, column: 17, at: "helm.upgrade", message: "holds a persistent volume" },
          { line: 14, column: 17, at: "kubectl.patch" },
        ],
      },
      {
        name: "helm.upgrade with no backup in a runbook with a database",
        code: doc(`
connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: upgrade
    steps:${upgrade}`),
        errors: [
          {
            line: 12,
            column: 17,
            at: "helm.upgrade",
            message: "helm.upgrade in step upgrade upgrades in place",
          },
        ],
      },
      {
        name: "the snapshot runs only after the upgrade",
        code: doc(`
phases:
  - id: upgrade
    steps:${upgrade}
      - id: snap
        action: snapshot.create
        with: { connection: db, label: too-late }
`),
        errors: [
          {
            line: 10,
            column: 17,
            at: "helm.upgrade",
            message:
              "helm.upgrade in step upgrade upgrades in place before its backup: step snap (snapshot.create) runs only after it and captures the upgraded state; move step snap before step upgrade (to an earlier phase)",
          },
        ],
      },
      {
        name: "a snapshot inside a rollback is not a backup before the upgrade",
        code: doc(`
phases:
  - id: upgrade
    rollback:
      - action: snapshot.create
        with: { connection: db, label: x }
    steps:
      - id: patch
        action: kubectl.patch
        with: { kind: Kryton, name: kryton, patch: { spec: { version: 3.2.0 } } }
`),
        errors: [{ line: 13, column: 17, at: "kubectl.patch", message: "kubectl.patch in step patch" }],
      },
    ],
  });
});
