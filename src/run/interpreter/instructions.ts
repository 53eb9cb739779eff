// What the run loop asks the driver to do next: the only way the interpreter causes anything to happen.

import type { ProbeResult } from "../../contract/action.js";
import type { ApprovalAnswer, ApprovalInput } from "../../contract/approval.js";
import type { StepFailure } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";
import type { StepUnit } from "../bind/program.js";
import type { EventBody } from "../model/events.js";

/** The result of running an action once: its output or how it failed. */
export type AttemptOutcome = { ok: true; output: JsonValue } | { ok: false; failure: StepFailure };

/**
 * How a child run ended (or stopped) when its `run:` step or its unwinding gave control back: its final status,
 * or why it never started. Statuses are a run's (`completed`, `rolled-back`, `failed`, `halted`, …).
 */
export type ChildOutcome =
  | { runId: string; status: string; name: string; version: string; why?: string }
  | { runId: string; refused: string };

/** One instruction from the interpreter; `settle` turns the driver's result into journal events. */
export type Instruction =
  /** Pure bookkeeping: append these events. */
  | { kind: "record"; events: EventBody[] }
  /** Run the step's action once (write steps: capture `before`, journal the start, flush, then run). */
  | {
      kind: "attempt";
      unit: StepUnit;
      attempt: number;
      args: JsonValue;
      timeoutMs?: number;
      settle(outcome: AttemptOutcome, now: number): EventBody[];
    }
  /** Wait before the next attempt (abortable). */
  | { kind: "sleep"; step: string; ms: number }
  /** Run an in-doubt write step's postcondition (a read step) and record whether it holds. */
  | {
      kind: "verify";
      unit: StepUnit;
      args: JsonValue;
      /** The postcondition step's own `timeout`, resolved. */
      timeoutMs?: number;
      settle(outcome: AttemptOutcome): EventBody[];
    }
  /** Ask an in-doubt write step's action whether its effect happened. */
  | {
      kind: "probe";
      unit: StepUnit;
      args: JsonValue;
      before: JsonValue | undefined;
      settle(r: ProbeResult): EventBody[];
    }
  /** The step needs a person's approval before it runs: ask (flags, terminal), then record the answer. */
  | {
      kind: "approve";
      unit: StepUnit;
      prompt: string;
      timeoutMs?: number;
      input?: ApprovalInput;
      settle(answer: ApprovalAnswer): EventBody[];
    }
  /**
   * Run a `run:` step's child runbook (or take up the child it started, `existing`): journal the link first, then
   * start or resume the child run; `settle` turns how it ended into the parent's events.
   */
  | {
      kind: "child";
      unit: StepUnit;
      attempt: number;
      file: string;
      params: JsonValue;
      existing?: string;
      settle(outcome: ChildOutcome): EventBody[];
    }
  /** Roll back the child run a `run:` step started, as part of its phase's rollback. */
  | { kind: "unwind"; unit: StepUnit; runId: string; settle(outcome: ChildOutcome): EventBody[] }
  /** Nothing settles an in-doubt step: ask the operator, or halt with instructions. */
  | { kind: "ask-in-doubt"; unit: StepUnit; why: string }
  /** The run reached a state it cannot leave without the operator (or a terminal one). */
  | { kind: "stop" };
