// Hand-built journals in the interpreter's event format, written with its real JournalWriter (hash chain, head).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventBody, RunEvent } from "../../src/run/model/events.js";
import { JournalWriter } from "../../src/run/store/journal-file.js";

const T0 = Date.parse("2025-05-01T10:00:00.000Z");

/** A journal under construction: each body gets a time `ms` after 10:00:00. */
export type Timed = [ms: number, body: EventBody];

const started = (runId: string): EventBody => ({
  type: "run.started",
  runId,
  runbook: {
    name: "kryton-upgrade",
    version: "3.2.0",
    file: "runbooks/kryton.rb.yaml",
    contentHash: "a".repeat(64),
  },
  params: { targetVersion: "3.2.0", databaseUrl: "***" },
  planHash: "b".repeat(64),
  user: "ops",
  host: "bastion-1",
  pid: 4242,
  locks: [{ key: "postgres:abc", label: "db" }],
});

const err = (message: string) => ({ kind: "action-error" as const, message, retryable: true });

/** Precheck, then a boundary whose migrations fail twice; the upgrade is rolled back and verified. */
export function rolledBackRun(runId = "20250501-100000-rolled"): Timed[] {
  return [
    [0, started(runId)],
    [5, { type: "guards.passed" }],
    [10, { type: "phase.entered", phase: "precheck", boundary: false }],
    [
      20,
      {
        type: "step.started",
        step: "before",
        phase: "precheck",
        action: "http.check",
        effect: "read",
        attempt: 1,
        args: {},
      },
    ],
    [
      1_200,
      {
        type: "step.succeeded",
        step: "before",
        attempt: 1,
        output: { status: 200, json: { version: "3.1.0" } },
      },
    ],
    [
      1_300,
      {
        type: "step.started",
        step: "history",
        phase: "precheck",
        action: "helm.history",
        effect: "read",
        attempt: 1,
        args: {},
      },
    ],
    [
      2_000,
      {
        type: "step.succeeded",
        step: "history",
        attempt: 1,
        output: { current: { revision: 7, chartVersion: "3.1.0" } },
      },
    ],
    [2_100, { type: "phase.completed", phase: "precheck" }],
    [2_200, { type: "phase.entered", phase: "upgrade", boundary: true }],
    [
      2_300,
      {
        type: "step.started",
        step: "upgrade",
        phase: "upgrade",
        action: "helm.upgrade",
        effect: "write",
        attempt: 1,
        args: {},
      },
    ],
    [
      32_000,
      { type: "step.succeeded", step: "upgrade", attempt: 1, output: { revision: 8, status: "deployed" } },
    ],
    [
      32_100,
      {
        type: "step.started",
        step: "migrations",
        phase: "upgrade",
        action: "sql.migrations",
        effect: "read",
        attempt: 1,
        args: {},
      },
    ],
    [
      33_000,
      {
        type: "assertion.failed",
        step: "migrations",
        attempt: 1,
        expression: "output.pending.size() == 0",
        message: "2 migrations pending | not applied",
      },
    ],
    [
      33_010,
      {
        type: "step.attempt-failed",
        step: "migrations",
        attempt: 1,
        error: { kind: "assertion", message: "2 migrations pending", retryable: true },
        retryInMs: 5_000,
      },
    ],
    [
      38_010,
      {
        type: "step.started",
        step: "migrations",
        phase: "upgrade",
        action: "sql.migrations",
        effect: "read",
        attempt: 2,
        args: {},
      },
    ],
    [
      39_000,
      {
        type: "step.failed",
        step: "migrations",
        attempt: 2,
        error: err("relation drizzle.__drizzle_migrations does not exist"),
      },
    ],
    [
      39_100,
      {
        type: "rollback.started",
        reason: "failure",
        boundaries: ["upgrade"],
        trigger: { step: "migrations", error: err("relation drizzle.__drizzle_migrations does not exist") },
      },
    ],
    [
      39_200,
      {
        type: "step.started",
        step: "rollback:upgrade/0",
        phase: "upgrade",
        action: "helm.rollback",
        effect: "write",
        attempt: 1,
        args: {},
      },
    ],
    [52_000, { type: "step.succeeded", step: "rollback:upgrade/0", attempt: 1, output: { revision: 9 } }],
    [52_100, { type: "step.skipped", step: "rollback:upgrade/1", reason: "when" }],
    [
      52_200,
      {
        type: "step.started",
        step: "rollback:upgrade/2:check:healthy-on-previous/ready",
        phase: "upgrade",
        action: "http.check",
        effect: "read",
        attempt: 1,
        args: {},
      },
    ],
    [
      54_000,
      {
        type: "step.succeeded",
        step: "rollback:upgrade/2:check:healthy-on-previous/ready",
        attempt: 1,
        output: { status: 200 },
      },
    ],
    [54_100, { type: "rollback.completed", boundaries: ["upgrade"], verified: true }],
    [54_200, { type: "run.rolled-back" }],
  ];
}

/** A step with `onFailure: halt` fails inside the boundary: the run waits for the operator. */
export function haltedRun(runId = "20250501-100000-halted"): Timed[] {
  const upTo = rolledBackRun(runId).slice(0, 15);
  return [
    ...upTo,
    [
      39_000,
      {
        type: "step.failed",
        step: "migrations",
        attempt: 2,
        error: err("relation drizzle.__drizzle_migrations does not exist"),
      },
    ],
    [
      39_050,
      {
        type: "run.halted",
        reason: "step-failed",
        step: "migrations",
        message: "migrations failed: relation drizzle.__drizzle_migrations does not exist",
      },
    ],
  ];
}

/** The run stops at an approval step. */
export function approvalRun(runId = "20250501-100000-approval"): Timed[] {
  return [
    [0, started(runId)],
    [5, { type: "guards.passed" }],
    [10, { type: "phase.entered", phase: "precheck", boundary: false }],
    [
      20,
      {
        type: "step.started",
        step: "notes",
        phase: "precheck",
        action: "approve",
        effect: "read",
        attempt: 1,
        args: {},
      },
    ],
    [30, { type: "approval.requested", step: "notes", prompt: "Read the CHANGELOG; any breaking entries?" }],
    [
      40,
      {
        type: "run.halted",
        reason: "waiting-for-approval",
        step: "notes",
        message: "notes waits for approval",
      },
    ],
  ];
}

/** The events as they would be read back (seq, at and prev filled as the writer stores them). */
export function writeJournal(stateDir: string, runId: string, timed: readonly Timed[]): RunEvent[] {
  mkdirSync(join(stateDir, "runs"), { recursive: true });
  const writer = JournalWriter.create(join(stateDir, "runs", `${runId}.jsonl`));
  const events = timed.map(([ms, body]) => writer.append(body, new Date(T0 + ms)));
  writer.close();
  return events;
}

/** A fresh state directory for one test. */
export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), "rbx-report-"));
}
