// The run report: what a journal says happened, shaped for people (md, html) and machines (json).

import type { FailureRecord } from "../contract/failure.js";
import type { JsonValue } from "../contract/json.js";
import type { HaltReason, RunbookIdentity } from "../run/model/events.js";
import type { RecoveryChoice } from "../run/model/recovery-choices.js";

/** Where a step ended up, as the report tells it. */
export type StepStatus =
  | "succeeded"
  | "failed"
  | "skipped"
  | "running"
  | "in-doubt"
  | "waiting-approval"
  | "interrupted";

/** How the run as a whole ended (or "running" when the journal stops mid-way, e.g. a crash). */
export type RunOutcome = "completed" | "rolled-back" | "failed" | "halted" | "interrupted" | "running";

/** An `expect` or guard that did not hold, with the message the runbook gave. */
export interface AssertionResult {
  step?: string;
  attempt?: number;
  expression: string;
  message: string;
  holds: boolean;
}

/** One try of a step. */
export interface AttemptReport {
  attempt: number;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome: "succeeded" | "failed" | "running";
  error?: FailureRecord;
  /** How long the interpreter waited before the next attempt. */
  retryInMs?: number;
  assertions: AssertionResult[];
}

/** A scalar output field worth showing (already redacted by the journal, clipped for display). */
export interface KeyOutput {
  name: string;
  value: string;
}

/** One step (or rollback step) as it ran. */
export interface StepReport {
  id: string;
  phase: string;
  action?: string;
  effect?: "read" | "write";
  status: StepStatus;
  /** True for steps run while unwinding a boundary. */
  rollback: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  attempts: AttemptReport[];
  output?: JsonValue;
  keyOutputs: KeyOutput[];
  error?: FailureRecord;
  settledBy?: "probe" | "verify" | "operator";
  skipped?: {
    reason: "when" | "operator";
    by?: string;
    note?: string;
    overrode?: "check" | "guard";
    /** For `when`: the condition that was false and what it read. */
    condition?: string;
  };
  approval?: { prompt: string; by?: string; via?: string };
  /** What a probe or postcondition said when the step was in doubt. */
  settlement?: string;
  /** A `run:` step: the child run it started (its own report is `rbx report CHILD`). */
  child?: { runId: string; file: string };
}

/** One phase; `boundary` phases can be unwound by their rollback steps. */
export interface PhaseReport {
  id: string;
  boundary: boolean;
  enteredAt: string;
  completedAt?: string;
  durationMs?: number;
  status: "completed" | "running" | "failed";
  steps: StepReport[];
}

/** One unwinding: why it started, which boundaries, each rollback step, and whether it was verified. */
export interface RollbackReport {
  reason: "failure" | "operator";
  by?: string;
  trigger?: { step: string; error: FailureRecord };
  boundaries: string[];
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  status: "completed" | "failed" | "running";
  verified?: boolean;
  steps: StepReport[];
}

/** A way out of a halted run, with the exact command to type (computed once, in run/model/recovery-choices). */
export type { RecoveryChoice } from "../run/model/recovery-choices.js";

/** Who ran it and from where; a run may be resumed by someone else. */
export interface Session {
  kind: "started" | "resumed";
  at: string;
  user: string;
  host: string;
  changes?: string[];
}

/** The whole report. `at` times are ISO strings from the journal; durations are milliseconds. */
export interface RunReport {
  runId: string;
  runbook: RunbookIdentity;
  params: Record<string, JsonValue>;
  planHash: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome: RunOutcome;
  /** The last word of the journal: why it halted, failed or was interrupted. */
  message?: string;
  haltReason?: HaltReason;
  /** The step the run stopped at, when it stopped at one. */
  stoppedAt?: string;
  sessions: Session[];
  guards: { passed: boolean; failures: AssertionResult[] };
  phases: PhaseReport[];
  rollbacks: RollbackReport[];
  /** Every assertion that did not hold, in order. */
  assertions: AssertionResult[];
  recovery: RecoveryChoice[];
  /**
   * What a rollback would do now, evaluated over the run (when the runbook could be read): each step will run or
   * skip, and a plain word when the database would not be restored.
   */
  rollbackPreview?: {
    boundaries: {
      boundary: string;
      steps: { key: string; action: string; when?: string; will: "run" | "skip" | "unknown"; why?: string }[];
    }[];
    database?: string;
  };
  /** Operator interventions the journal records: forced locks, repaired journal tails, skips. */
  notes: string[];
  eventCount: number;
}
