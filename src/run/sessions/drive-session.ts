// What start, resume and rollback share once a document is bound: the lock, the driver, the run's end.

import { hostname } from "node:os";
import type { Bound } from "../bind/bind-document.js";
import { ApprovalBroker } from "../interpreter/approvals.js";
import { type ChildRuns, Driver } from "../interpreter/driver.js";
import type { LockKey, RunEvent } from "../model/events.js";
import { EXIT_CODES, exitCodeFor } from "../model/exit-codes.js";
import { rbxCommand } from "../model/recovery-choices.js";
import type { RunState } from "../model/state.js";
import type { LockOutcome, RunJournal, RunStore } from "../store/run-store.js";
import { StoreWriteError } from "../store/store-error.js";
import { childRunsFor, type ParentRun } from "./child-runs.js";
import { describeConflicts } from "./lock-messages.js";
import { openRunScope, type RunScope } from "./run-scope.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** The locks a run took, as journaled: who holds them and what was forced or reclaimed on the way. */
export interface TakenLocks {
  holder: { runId: string; pid: number; host: string; startedAt: string };
  locked: Extract<LockOutcome, { ok: true }>;
}

/** Lock the run's targets; a conflict is said (who holds it and what to do) and gives undefined. */
export async function takeLocks(
  keys: readonly LockKey[],
  runId: string,
  opts: SessionOptions,
): Promise<TakenLocks | undefined> {
  const holder = { runId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let locked: LockOutcome;
  try {
    locked = await opts.store.lock(keys, holder, opts.forceUnlock ?? false);
  } catch (err) {
    if (!(err instanceof StoreWriteError)) throw err;
    opts.say(`error: ${err.message}; nothing ran. Make room there, then run the command again.`);
    return undefined;
  }
  if (locked.ok) return { holder, locked };
  for (const line of await describeConflicts(opts.store, locked.conflicts, opts.stateDir))
    opts.say(`error: ${line}`);
  return undefined;
}

/** A driver for the bound document, continuing from `state` and writing to `journal`. */
export function driverFor(
  b: Bound,
  state: RunState,
  journal: Awaited<ReturnType<RunStore["create"]>>,
  opts: SessionOptions,
  scope: RunScope,
): Driver {
  return new Driver({
    program: b.bound.program,
    state,
    journal,
    evaluator: b.bound.evaluator,
    catalog: b.catalog,
    redactor: b.bound.redactor,
    connections: b.bound.connections,
    approvals: new ApprovalBroker({
      approve: opts.approve ?? new Set(),
      approveAll: opts.approveAll ?? false,
      user: opts.user,
      ...(opts.ask ? { ask: opts.ask } : {}),
    }),
    signal: opts.signal,
    workDir: opts.store.workDir(state.runId),
    env: opts.env,
    ...scope.driver,
    ...(opts.settle ? { settle: opts.settle } : {}),
    ...(opts.askInDoubt ? { askInDoubt: opts.askInDoubt } : {}),
    ...(opts.signalName ? { signalName: opts.signalName } : {}),
    ...withChildren(opts, { runId: state.runId, file: b.prepared.file, keys: b.keys, scope }),
  });
}

function withChildren(opts: SessionOptions, parent: ParentRun): { children?: ChildRuns } {
  const children = childRunsFor(opts, parent);
  return children ? { children } : {};
}

/** The keys a run takes itself: all of them, less those an ancestor holds (a child works under those). */
export function ownKeys(
  keys: readonly LockKey[],
  opts: SessionOptions,
): { own: LockKey[]; inherited: string[] } {
  const held = opts.parent?.locks ?? new Set<string>();
  return {
    own: keys.filter((k) => !held.has(k.key)),
    inherited: keys.filter((k) => held.has(k.key)).map((k) => k.key),
  };
}

/** Open the run's scope: its view (seeing `history` as already shown) and its shared resources. */
export function scopeFor(
  b: Bound,
  runId: string,
  history: readonly RunEvent[],
  opts: SessionOptions,
): RunScope {
  return openRunScope({ runId, program: b.bound.program, redactor: b.bound.redactor, history }, opts);
}

/**
 * The journal could not be written (a full disk): the driver stopped before its next action. A run with no
 * event on disk never started: its journal is removed and its lock released (exit 2, as a refusal). Otherwise
 * the journal ends at its last durable event and verifies, the lock stays, and the operator frees space and
 * resumes (exit 3, as a halt: nothing more runs until they do).
 */
export async function journalFailed(
  opts: SessionOptions,
  keys: readonly LockKey[],
  runId: string,
  journal: RunJournal,
  err: StoreWriteError,
): Promise<SessionResult> {
  const durable = err.durableSeq ?? 0;
  opts.say(`error: ${err.message}`);
  if (durable === 0) {
    await journal.discard?.();
    await opts.store.unlock(runId, keys);
    opts.say(`Nothing ran and no run was recorded. Make room in ${err.where}, then run the command again.`);
    return { exit: EXIT_CODES.usage };
  }
  opts.say(
    `Run ${runId} stopped before its next action. Its journal keeps events 1-${durable} and verifies; ` +
      `the lock on its targets is kept. Make room in ${err.where}, then \`${rbxCommand(["resume", runId], opts.stateDir)}\`: a step that ` +
      "had started is checked (probed) before anything runs again.",
  );
  return { exit: EXIT_CODES.halted, runId };
}

/** A run that stopped: release its lock unless the operator must come back to it, and give its exit code. */
export async function finish(
  opts: SessionOptions,
  b: Bound,
  scope: RunScope,
  state: RunState,
): Promise<SessionResult> {
  const { runId, status } = state;
  if (status !== "halted" && status !== "interrupted") await opts.store.unlock(runId, b.keys);
  // An observer has just printed the recovery commands; say only what it does not: the lock stays.
  else if (scope.observed)
    opts.say(`the lock on its targets is kept until the run is resumed or rolled back`);
  else
    opts.say(
      `run ${runId} ${status}; its lock is kept for \`${rbxCommand(["resume", runId], opts.stateDir)}\` or \`${rbxCommand(["rollback", runId], opts.stateDir)}\``,
    );
  return { exit: exitCodeFor(state), runId, status };
}
