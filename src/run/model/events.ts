// The journal's vocabulary: every event a run records, as plain JSON, in the order things happen.

import type { Actor, ApprovalInput } from "../../contract/approval.js";
import type { FailureRecord } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";

/** One key to lock: a stable identity of a target (connection) and a label for people. */
export interface LockKey {
  key: string;
  label: string;
}

export type { Actor };

/** Who holds a run lock: enough to tell whether the holder is still alive. */
export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  startedAt: string;
  /** The lock key and a readable label, e.g. `postgres:3f2a… (db)`. */
  key: string;
  label: string;
  /** Who took the lock (absent in locks written before identities were recorded). */
  user?: string;
  role?: string;
  /** The fencing token of this acquisition (a store sequence: every acquisition gets a larger one). */
  token?: number;
  /** When the holder's lease runs out unless it is renewed (stores with leases). */
  expiresAt?: string;
}

/** Why a run stopped and waits for the operator. */
export type HaltReason =
  | "step-failed"
  | "guard-failed"
  | "waiting-for-approval"
  | "in-doubt"
  | "rollback-failed"
  | "target-unreachable"
  | "integrity"
  | "lock-taken-over"
  /** A child run (`run:`) stopped for the operator; resuming or rolling back the parent continues it. */
  | "child-stopped";

/** What identifies the document a run executes; the hash makes resume refuse a changed file. */
export interface RunbookIdentity {
  name: string;
  version: string;
  file: string;
  contentHash: string;
}

/** The body of each event; the journal adds `seq`, `at` and `prev`. */
export type EventBody =
  | {
      type: "run.started";
      runId: string;
      runbook: RunbookIdentity;
      params: Record<string, JsonValue>;
      planHash: string;
      user: string;
      host: string;
      pid: number;
      /** The store's authenticated database role, when the store has one. */
      role?: string;
      locks: { key: string; label: string }[];
      /** A child run: the run and the `run:` step that started it. */
      parent?: { runId: string; step: string };
      /** Lock keys held by an ancestor run, which this child works under instead of taking them. */
      inherited?: string[];
      /** The check libraries the runbook imports: file, name, pinned version, content hash, suites taken. */
      imports?: { file: string; name: string; version: string; contentHash: string; checks: string[] }[];
      /** The project's own action modules the run uses: spec, package version and the entry file's hash. */
      modules?: {
        spec: string;
        package?: { name: string; version: string };
        contentHash: string;
        actions: string[];
      }[];
    }
  | { type: "run.resumed"; user: string; host: string; pid: number; role?: string; changes?: string[] }
  | { type: "journal.repaired"; droppedBytes: number }
  | { type: "lock.forced"; previous: LockHolder; by: string; actor?: Actor }
  | { type: "lock.reclaimed"; previous: LockHolder }
  /** Recorded in the journal of the run that lost its locks to `--force-unlock` by another run. */
  | {
      type: "lock.taken-over";
      by: string;
      actor?: Actor;
      to: string;
      locks: { key: string; label: string }[];
    }
  /** This process found it no longer holds the run's locks and stopped before its next action. */
  | { type: "run.fenced"; pid: number; host: string; reason: string; discarded: number }
  | { type: "guards.passed" }
  | { type: "guard.failed"; step?: string; index: number; expression: string; message: string }
  | { type: "phase.entered"; phase: string; boundary: boolean }
  | { type: "phase.completed"; phase: string }
  | {
      type: "step.skipped";
      step: string;
      reason: "when" | "operator";
      by?: string;
      actor?: Actor;
      note?: string;
      /** The operator passed a safety check (`--override-check`): a read step, or a step whose guard was false. */
      overrode?: "check" | "guard";
      /** For `when`: the condition that was false and what it read, e.g. `params.analyticsEnabled is false`. */
      condition?: string;
    }
  | {
      type: "step.started";
      step: string;
      phase: string;
      action: string;
      effect: "read" | "write";
      attempt: number;
      args: JsonValue;
      before?: JsonValue;
    }
  | { type: "assertion.failed"; step: string; attempt: number; expression: string; message: string }
  | { type: "step.attempt-failed"; step: string; attempt: number; error: FailureRecord; retryInMs: number }
  | {
      type: "step.succeeded";
      step: string;
      attempt: number;
      output: JsonValue;
      settledBy?: "probe" | "verify" | "operator";
    }
  | { type: "step.failed"; step: string; attempt: number; error: FailureRecord }
  /** A `run:` step started (or took up again) its child run, journaled before the child's first event. */
  | { type: "child.started"; step: string; runId: string; file: string }
  | { type: "step.probed"; step: string; result: "done" | "not-done" | "unknown"; reason?: string }
  | { type: "step.verified"; step: string; holds: boolean; reason?: string }
  | {
      type: "approval.requested";
      step: string;
      prompt: string;
      /** The value the approval asks for (`input:`), so every hint shows STEP=VALUE where one is needed. */
      input?: ApprovalInput;
    }
  | { type: "approval.granted"; step: string; by: string; via: string; actor?: Actor; value?: string }
  | {
      type: "rollback.started";
      reason: "failure" | "operator";
      boundaries: string[];
      trigger?: { step: string; error: FailureRecord };
      by?: string;
      actor?: Actor;
    }
  | { type: "rollback.completed"; boundaries: string[]; verified: boolean }
  | { type: "run.completed" }
  | { type: "run.rolled-back" }
  | { type: "run.failed"; reason: string; message: string }
  | { type: "run.halted"; reason: HaltReason; step?: string; message: string }
  | { type: "run.interrupted"; step?: string; signal: string };

/** An event as stored: its body plus sequence number, time and the hash of the previous line. */
export type RunEvent = EventBody & { seq: number; at: string; prev: string };

/** An actor as people read it: `alice@host-a`, or `alice@host-a as rbx_alice` when the store role differs. */
export function formatActor(a: Actor): string {
  return a.role && a.role !== a.user ? `${a.user}@${a.host} as ${a.role}` : `${a.user}@${a.host}`;
}

/** The person an actor is, for comparing approvers: the store's role when it authenticates one, else the user. */
export function personOf(a: Actor): string {
  return a.role ? `role ${a.role}` : `user ${a.user}`;
}
