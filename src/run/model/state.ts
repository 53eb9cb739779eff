// Folding the journal into the state a run has reached; the interpreter and `rbx status` both read it.

import type { ApprovalInput } from "../../contract/approval.js";
import type { FailureRecord } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";
import type { Actor, EventBody, HaltReason, RunEvent } from "./events.js";

/** Where one step stands. `in-doubt`: started, never recorded as finished, before a resume. */
export type StepStatus =
  | "pending"
  | "running"
  | "succeeded"
  | "skipped"
  | "failed"
  | "waiting-approval"
  | "in-doubt";

/** One step's state, as the journal tells it. */
export interface StepState {
  key: string;
  status: StepStatus;
  /** Attempts made in the current stretch of the run (reset on resume). */
  attempt: number;
  effect?: "read" | "write";
  action?: string;
  phase?: string;
  firstAttemptAt?: number;
  lastFailedAt?: number;
  retryInMs?: number;
  args?: JsonValue;
  before?: JsonValue;
  output?: JsonValue;
  error?: FailureRecord;
  settledBy?: "probe" | "verify" | "operator";
  skipped?: {
    reason: "when" | "operator";
    by?: string;
    note?: string;
    overrode?: "check" | "guard";
    condition?: string;
  };
  probe?: "done" | "not-done" | "unknown";
  verified?: boolean;
  /** The value its pending approval asks for (`input:`). */
  asks?: ApprovalInput;
  /** A `run:` step: the child run it started. */
  child?: string;
}

/** One approval a step was given, as the journal recorded it. */
export interface ApprovalRecord {
  by: string;
  via: string;
  at: string;
  /** Who approved (absent in journals written before identities were recorded). */
  actor?: Actor;
  /** The value given with it (`--approve STEP=VALUE`), for an approval that asks for one. */
  value?: string;
}

/** The overall state of a run. */
export type RunStatus =
  | "running"
  | "rolling-back"
  | "completed"
  | "rolled-back"
  | "failed"
  | "halted"
  | "interrupted";

/** Everything the journal says about a run. */
export interface RunState {
  runId: string;
  started?: Extract<RunEvent, { type: "run.started" }>;
  status: RunStatus;
  guardsPassed: boolean;
  /** Phases entered, in order. */
  entered: string[];
  /** The phases entered that are rollback boundaries, in order (what an unwinding would undo). */
  boundaries: string[];
  completed: Set<string>;
  steps: Map<string, StepState>;
  /** Every approval each step was given, in order (a step may need several distinct approvers). */
  approvals: Map<string, ApprovalRecord[]>;
  /** Set when another run took this run's locks over with `--force-unlock`. */
  takenOver?: { by: string; to: string; at: string };
  rollback?: {
    reason: "failure" | "operator";
    /** Who asked for it, when the operator did. */
    by?: string;
    boundaries: string[];
    trigger?: { step: string; error: FailureRecord };
    done: boolean;
    verified?: boolean;
  };
  halt?: { reason: HaltReason; step?: string; message: string; at: string };
  failure?: { reason: string; message: string };
  interrupted?: { step?: string; signal: string; at: string };
  /** Who started or last resumed the run, from where and since when: who runs it, or ran it last. */
  runner?: { user: string; host: string; pid: number; since: string; role?: string };
  /** The step most recently started or finished, for "where it stands". */
  lastStep?: string;
  last?: RunEvent;
  /** How many times the run was started or resumed. */
  segments: number;
  changes: string[][];
  /**
   * Keys of the steps each event touched, appended in order (append-only): readers that mirror step
   * state, like the evaluator's `steps` bindings, update only these instead of rescanning every step.
   */
  stepChanges: string[];
}

/** The state before any event. */
export function emptyState(runId: string): RunState {
  return {
    runId,
    status: "running",
    guardsPassed: false,
    entered: [],
    boundaries: [],
    completed: new Set(),
    steps: new Map(),
    approvals: new Map(),
    segments: 0,
    changes: [],
    stepChanges: [],
  };
}

function step(state: RunState, key: string): StepState {
  let s = state.steps.get(key);
  if (!s) {
    s = { key, status: "pending", attempt: 0 };
    state.steps.set(key, s);
  }
  state.stepChanges.push(key);
  return s;
}

/** Who drives the run from a run.started or run.resumed event: the person (with the store's role) and the process. */
function runnerOf(
  e: { user: string; host: string; pid: number; role?: string },
  at: string,
): NonNullable<RunState["runner"]> {
  return { user: e.user, host: e.host, pid: e.pid, since: at, ...(e.role ? { role: e.role } : {}) };
}

/** Apply one event to the state (mutating it: folds run over thousands of events). */
export function applyEvent(state: RunState, event: RunEvent): RunState {
  state.last = event;
  const at = Date.parse(event.at);
  const e: EventBody = event;
  switch (e.type) {
    case "run.started":
      state.started = event as Extract<RunEvent, { type: "run.started" }>;
      state.runner = runnerOf(e, event.at);
      state.segments++;
      break;
    case "run.resumed":
      state.segments++;
      state.runner = runnerOf(e, event.at);
      if (e.changes) state.changes.push(e.changes);
      resumeSteps(state);
      state.status = state.rollback && !state.rollback.done ? "rolling-back" : "running";
      state.halt = undefined;
      state.interrupted = undefined;
      state.takenOver = undefined;
      break;
    case "guards.passed":
      state.guardsPassed = true;
      break;
    case "phase.entered":
      if (!state.entered.includes(e.phase)) {
        state.entered.push(e.phase);
        if (e.boundary) state.boundaries.push(e.phase);
      }
      break;
    case "phase.completed":
      state.completed.add(e.phase);
      break;
    case "step.skipped": {
      const s = step(state, e.step);
      s.status = "skipped";
      s.skipped = {
        reason: e.reason,
        ...(e.by ? { by: e.by } : {}),
        ...(e.note ? { note: e.note } : {}),
        ...(e.overrode ? { overrode: e.overrode } : {}),
        ...(e.condition ? { condition: e.condition } : {}),
      };
      state.lastStep = e.step;
      break;
    }
    case "step.started": {
      const s = step(state, e.step);
      s.status = "running";
      s.attempt = e.attempt;
      s.effect = e.effect;
      s.action = e.action;
      s.phase = e.phase;
      s.args = e.args;
      s.before = e.before;
      if (e.attempt === 1 || s.firstAttemptAt === undefined) s.firstAttemptAt = at;
      state.lastStep = e.step;
      break;
    }
    case "step.attempt-failed": {
      const s = step(state, e.step);
      s.status = "pending";
      s.error = e.error;
      s.lastFailedAt = at;
      s.retryInMs = e.retryInMs;
      break;
    }
    case "step.succeeded": {
      const s = step(state, e.step);
      s.status = "succeeded";
      s.output = e.output;
      s.error = undefined;
      if (e.settledBy) s.settledBy = e.settledBy;
      state.lastStep = e.step;
      break;
    }
    case "step.failed": {
      const s = step(state, e.step);
      s.status = "failed";
      s.error = e.error;
      state.lastStep = e.step;
      break;
    }
    case "child.started":
      step(state, e.step).child = e.runId;
      break;
    case "step.probed": {
      const s = step(state, e.step);
      s.probe = e.result;
      if (e.result === "not-done") restart(s);
      break;
    }
    case "step.verified": {
      const s = step(state, e.step);
      s.verified = e.holds;
      if (!e.holds) restart(s);
      break;
    }
    case "approval.requested": {
      const s = step(state, e.step);
      s.status = "waiting-approval";
      if (e.input) s.asks = e.input;
      else delete s.asks;
      break;
    }
    case "run.fenced":
      // Nobody else drives the run (the fenced process records this only then): it waits for the operator.
      if (state.status === "running" || state.status === "rolling-back") {
        state.status = "halted";
        state.halt = {
          reason: "lock-taken-over",
          ...(state.lastStep ? { step: state.lastStep } : {}),
          message: `its process lost the run's locks and stopped: ${e.reason}`,
          at: event.at,
        };
      }
      break;
    case "approval.granted": {
      const list = state.approvals.get(e.step) ?? [];
      list.push({
        by: e.by,
        via: e.via,
        at: event.at,
        ...(e.actor ? { actor: e.actor } : {}),
        ...(e.value !== undefined ? { value: e.value } : {}),
      });
      state.approvals.set(e.step, list);
      break;
    }
    case "lock.taken-over":
      // The target may now be changed by the other run: this one stops for the operator, its locks gone.
      state.takenOver = { by: e.by, to: e.to, at: event.at };
      state.status = "halted";
      state.halt = {
        reason: "lock-taken-over",
        ...(state.lastStep ? { step: state.lastStep } : {}),
        message: `run ${e.to} took over its locks (--force-unlock by ${e.by})`,
        at: event.at,
      };
      break;
    case "rollback.started":
      for (const key of [...state.steps.keys()]) {
        if (!key.startsWith("rollback:")) continue;
        state.steps.delete(key);
        state.stepChanges.push(key);
      }
      state.rollback = {
        reason: e.reason,
        ...(e.by ? { by: e.by } : {}),
        boundaries: e.boundaries,
        ...(e.trigger ? { trigger: e.trigger } : {}),
        done: false,
      };
      state.status = "rolling-back";
      state.halt = undefined;
      break;
    case "rollback.completed":
      if (state.rollback) {
        state.rollback.done = true;
        state.rollback.verified = e.verified;
      }
      break;
    case "run.completed":
      state.status = "completed";
      break;
    case "run.rolled-back":
      state.status = "rolled-back";
      break;
    case "run.failed":
      state.status = "failed";
      state.failure = { reason: e.reason, message: e.message };
      break;
    case "run.halted":
      state.status = "halted";
      state.halt = {
        reason: e.reason,
        ...(e.step ? { step: e.step } : {}),
        message: e.message,
        at: event.at,
      };
      break;
    case "run.interrupted":
      state.status = "interrupted";
      state.interrupted = { ...(e.step ? { step: e.step } : {}), signal: e.signal, at: event.at };
      break;
    default:
      break;
  }
  return state;
}

function restart(s: StepState): void {
  s.status = "pending";
  s.attempt = 0;
  s.firstAttemptAt = undefined;
  s.lastFailedAt = undefined;
  s.retryInMs = undefined;
}

// On resume: a step left running is in doubt if it writes (its probe or postcondition settles it) and
// simply runs again if it only reads; failed steps and pending approvals are tried again (fix forward).
function resumeSteps(state: RunState): void {
  for (const s of state.steps.values()) {
    if (s.status === "running") {
      if (s.effect === "write") {
        s.status = "in-doubt";
        s.probe = undefined;
        s.verified = undefined;
      } else restart(s);
    } else if (s.status === "failed" || s.status === "waiting-approval") {
      restart(s);
      s.error = undefined;
    } else if (s.status === "pending" && s.attempt > 0) {
      restart(s);
    } else continue;
    state.stepChanges.push(s.key);
  }
}

/** Fold a whole journal. */
/** A run's word before its first event: its journal exists, its start is not recorded (status, runs). */
export const NOT_STARTED = "not started";

/** Why a run reads as not started: nothing ran, and nothing can be resumed. */
export const NOT_STARTED_DETAIL =
  "its journal holds no start event: the process that made it is starting now, or ended before recording the run's start (no step ran; there is nothing to resume: rbx run starts the runbook anew)";

export function foldEvents(runId: string, events: readonly RunEvent[]): RunState {
  const state = emptyState(runId);
  for (const e of events) applyEvent(state, e);
  return state;
}
