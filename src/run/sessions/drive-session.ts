// What start, resume and rollback share once a document is bound: who is acting, the locks (store rows and
// target Leases), the driver, a run that lost its locks or its store, and the run's end.

import { hostname } from "node:os";
import type { Actor } from "../../contract/approval.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import type { Bound } from "../bind/bind-document.js";
import { connectionKey, lockedConnections, lockKeysFor } from "../bind/lock-keys.js";
import { ApprovalBroker } from "../interpreter/approvals.js";
import { type ChildRuns, Driver } from "../interpreter/driver.js";
import { type EventBody, formatActor, type LockKey, type RunEvent } from "../model/events.js";
import { EXIT_CODES, exitCodeFor } from "../model/exit-codes.js";
import { rbxCommand } from "../model/recovery-choices.js";
import type { RunState, RunStatus } from "../model/state.js";
import { holderAlive } from "../store/liveness.js";
import { type RunJournal, StoreFencedError, StoreUnavailableError } from "../store/run-store.js";
import { StoreWriteError } from "../store/store-error.js";
import { childRunsFor, type ParentRun } from "./child-runs.js";
import { DEFAULT_TARGET_LEASE_MS, HeldLocks } from "./held-locks.js";
import { openRunScope, type RunScope } from "./run-scope.js";
import type { SessionOptions, SessionResult } from "./session-options.js";
import { leaseName, TargetLease } from "./target-leases.js";

/** The person acting in this verb: the OS user, this host, and the store's authenticated role. */
export async function sessionActor(opts: SessionOptions): Promise<Actor> {
  const role = await opts.store.role();
  return { user: opts.user, host: hostname(), ...(role ? { role } : {}) };
}

/** Register the session's own secrets (the store URL's password) with the run's redactor. */
export function registerSecrets(b: Bound, opts: SessionOptions): void {
  for (const s of opts.secrets ?? []) b.bound.redactor.addSecret(s);
}

/** The fields of run.started / run.resumed that say who drives the run. */
export function driverFields(actor: Actor): { user: string; host: string; pid: number; role?: string } {
  return {
    user: actor.user,
    host: actor.host,
    pid: process.pid,
    ...(actor.role ? { role: actor.role } : {}),
  };
}

/**
 * The run's lock keys with each target identified by what it is (the caller's target support: a cluster's
 * server URL, CA and namespace), and the connection behind each key. Undefined once a failure is said.
 */
export async function identifyTargets(
  b: Bound,
  opts: SessionOptions,
): Promise<{ keys: LockKey[]; connections: Map<string, ResolvedConnection> } | undefined> {
  const { program, connections } = b.bound;
  const identities = new Map<string, Record<string, string>>();
  const locked = lockedConnections(program, connections, b.catalog).connections;
  if (opts.targets) {
    for (const conn of locked) {
      try {
        const id = await opts.targets.identity(conn, opts.env);
        if (id) identities.set(conn.name, id);
      } catch (err) {
        opts.say(
          `error: cannot tell which target connection "${conn.name}" reaches: ${b.bound.redactor.redact((err as Error).message)}`,
        );
        return undefined;
      }
    }
  }
  const keys = lockKeysFor(program, connections, b.catalog, identities);
  const byKey = new Map<string, ResolvedConnection>();
  for (const conn of locked) byKey.set(connectionKey(conn, identities.get(conn.name)).key, conn);
  return { keys, connections: byKey };
}

/**
 * Take the run's locks — the store's, then a Lease at each target that can hold one — or say who holds them
 * (a halted holder described as such) and give undefined.
 */
export async function takeLocks(
  keys: readonly LockKey[],
  connections: ReadonlyMap<string, ResolvedConnection>,
  runId: string,
  actor: Actor,
  opts: SessionOptions,
): Promise<HeldLocks | undefined> {
  const leaseMs = opts.leaseMs ?? (opts.store.leaseMs || DEFAULT_TARGET_LEASE_MS);
  const leases: TargetLease[] = [];
  const holder = { runId, user: actor.user, host: actor.host, pid: process.pid, store: opts.store.location };
  for (const k of keys) {
    const conn = connections.get(k.key);
    const api = conn && opts.targets ? await opts.targets.lease(conn, opts.env, leaseName(k.key)) : undefined;
    if (api)
      leases.push(
        new TargetLease(k, api, { ...holder, ...(actor.role ? { role: actor.role } : {}) }, leaseMs),
      );
  }
  const taking = HeldLocks.take(
    {
      store: opts.store,
      keys,
      runId,
      actor,
      startedAt: new Date().toISOString(),
      force: opts.forceUnlock ?? false,
      leases,
      leaseMs,
      ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    },
    opts.say,
  );
  try {
    return await taking;
  } catch (err) {
    // A lock file that could not be written (a full disk): nothing was taken, nothing ran.
    if (!(err instanceof StoreWriteError)) throw err;
    opts.say(`error: ${err.message}; nothing ran. Make room there, then run the command again.`);
    return undefined;
  }
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

/** The events that record how the locks were taken: what was reclaimed and what was forced, and by whom. */
export function lockEvents(held: HeldLocks, actor: Actor): EventBody[] {
  return [
    ...held.reclaimed.map((previous): EventBody => ({ type: "lock.reclaimed", previous })),
    ...held.forced.map((previous): EventBody => ({ type: "lock.forced", previous, by: actor.user, actor })),
  ];
}

/**
 * `--force-unlock` is recorded in both runs' journals: here, in the journal of each run whose locks were taken
 * over. A file-store run whose process still lives is left to find out itself (its next write checks the
 * lock file and records that it was fenced): a file journal has one writer.
 */
export async function recordTakeovers(
  held: HeldLocks,
  runId: string,
  actor: Actor,
  opts: SessionOptions,
): Promise<void> {
  const victims = new Map<string, { key: string; label: string }[]>();
  for (const h of held.forced) {
    if (h.runId === runId) continue;
    if (opts.store.leaseMs === 0 && holderAlive(h) !== false) continue;
    victims.set(h.runId, [...(victims.get(h.runId) ?? []), { key: h.key, label: h.label }]);
  }
  for (const [victim, locks] of victims) {
    try {
      const read = await opts.store.read(victim);
      const journal = await opts.store.reopen(victim, read);
      journal.append({ type: "lock.taken-over", by: actor.user, actor, to: runId, locks });
      await journal.flush();
      await journal.close();
    } catch (err) {
      opts.say(
        `warning: could not record the takeover in run ${victim}'s journal: ${(err as Error).message}`,
      );
    }
  }
}

/** A driver for the bound document, continuing from `state` and writing to `journal`. */
export function driverFor(
  b: Bound,
  state: RunState,
  journal: RunJournal,
  opts: SessionOptions,
  scope: RunScope,
  actor: Actor,
  held?: HeldLocks,
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
      actor,
      ...(opts.ask ? { ask: opts.ask } : {}),
    }),
    signal: opts.signal,
    workDir: opts.store.workDir(state.runId),
    env: opts.env,
    ...scope.driver,
    ...(opts.settle ? { settle: opts.settle } : {}),
    ...(opts.askInDoubt ? { askInDoubt: opts.askInDoubt } : {}),
    ...(opts.signalName ? { signalName: opts.signalName } : {}),
    ...beforeWrite(opts, held),
    ...withChildren(opts, { runId: state.runId, file: b.prepared.file, keys: b.keys, scope, ...check(held) }),
  });
}

const check = (held: HeldLocks | undefined) => (held ? { check: () => held.check() } : {});

/**
 * Before every write action: this process still holds the run's own locks, and (a child run) its ancestors still
 * hold theirs, which the child works under.
 */
function beforeWrite(
  opts: SessionOptions,
  held: HeldLocks | undefined,
): { beforeWrite?: () => Promise<void> } {
  const parent = opts.parent?.check;
  if (!held && !parent) return {};
  return {
    beforeWrite: async () => {
      await parent?.();
      await held?.check();
    },
  };
}

function withChildren(opts: SessionOptions, parent: ParentRun): { children?: ChildRuns } {
  const children = childRunsFor(opts, parent);
  return children ? { children } : {};
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

/** A run the verb drives: its document, scope, journal, locks and who drives it. */
export interface Driving {
  runId: string;
  b: Bound;
  state: RunState;
  driver: Driver;
  scope: RunScope;
  journal: RunJournal;
  held: HeldLocks;
  actor: Actor;
}

/**
 * Drive the run to a stop and end it: release its locks, or keep them when the operator must come back; a run
 * that lost its locks (fenced) or its store stops before its next action and says what to do. Closes the scope
 * and the journal whatever happens.
 */
export async function driveToEnd(
  d: Driving,
  opts: SessionOptions,
  before?: () => void,
): Promise<SessionResult> {
  try {
    d.held.start();
    let status: RunStatus;
    try {
      before?.();
      status = await d.driver.run();
    } catch (err) {
      if (err instanceof StoreFencedError) return await fenced(d, opts, err.message);
      if (err instanceof StoreUnavailableError) return await storeLost(d, opts, err.message);
      if (err instanceof StoreWriteError) {
        await d.scope.end(); // the live view gives the terminal back before the error is said
        return await journalFailed(d, opts, err);
      }
      throw err;
    }
    return await finish(opts, d, status);
  } finally {
    await d.held.stop();
    await d.scope.end();
    try {
      await d.journal.close();
    } catch {
      // A journal that could not be flushed was already reported above (fenced or store lost).
    }
  }
}

/**
 * The journal could not be written (a full disk): the driver stopped before its next action. A run with no
 * event on disk never started: its journal is removed and its locks released (exit 2, as a refusal). Otherwise
 * the journal ends at its last durable event and verifies, the locks stay, and the operator frees space and
 * resumes (exit 3, as a halt: nothing more runs until they do).
 */
async function journalFailed(d: Driving, opts: SessionOptions, err: StoreWriteError): Promise<SessionResult> {
  const { runId, journal, held, state } = d;
  const durable = err.durableSeq ?? 0;
  opts.say(`error: ${err.message}`);
  if (durable === 0) {
    await journal.discard?.();
    await held.release();
    opts.say(`Nothing ran and no run was recorded. Make room in ${err.where}, then run the command again.`);
    return { exit: EXIT_CODES.usage };
  }
  await held.halt(stoppedWords(state));
  opts.say(
    `Run ${runId} stopped before its next action. Its journal keeps events 1-${durable} and verifies; ` +
      `the lock on its targets is kept. Make room in ${err.where}, then \`${rbxCommand(["resume", runId], opts.stateDir)}\`: a step that ` +
      "had started is checked (probed) before anything runs again.",
  );
  return { exit: EXIT_CODES.halted, runId };
}

/** A run that stopped: release its lock unless the operator must come back to it, and give its exit code. */
async function finish(opts: SessionOptions, d: Driving, status: RunStatus): Promise<SessionResult> {
  const { runId, scope, held, state } = d;
  if (status !== "halted" && status !== "interrupted") await held.release();
  else {
    await held.halt(stoppedWords(state));
    // An observer has just printed the recovery commands; say only what it does not: the lock stays.
    if (scope.observed) opts.say(`the lock on its targets is kept until the run is resumed or rolled back`);
    else
      opts.say(
        `run ${runId} ${status}; its lock is kept for \`${rbxCommand(["resume", runId], opts.stateDir)}\` or \`${rbxCommand(["rollback", runId], opts.stateDir)}\``,
      );
  }
  return { exit: exitCodeFor(state), runId, status };
}

/** "halted at step X by user@host at T": how a halted run is described wherever its lock is seen. */
export function stoppedWords(state: RunState): string {
  const step = state.halt?.step ?? state.interrupted?.step;
  const who = state.runner ? ` by ${formatActor(state.runner)}` : "";
  return `${state.status}${step ? ` at step ${step}` : ""}${who} at ${state.last?.at ?? new Date().toISOString()}`;
}

/**
 * This process lost the run's locks: another run took them over (--force-unlock) or another process resumed
 * the run after its lease ran out. Record that it was fenced — unless another process drives the run now, whose
 * journal it must not touch — and stop: nothing more runs.
 */
async function fenced(d: Driving, opts: SessionOptions, reason: string): Promise<SessionResult> {
  const { runId, journal, state } = d;
  await d.held.stop();
  const discarded = journal.unwritten();
  const durableSeq = discarded[0] ? discarded[0].seq - 1 : (state.last?.seq ?? 0);
  const event: EventBody = {
    type: "run.fenced",
    pid: process.pid,
    host: d.actor.host,
    reason,
    discarded: discarded.length,
  };
  let recorded = "";
  try {
    journal.append(event);
    await journal.flush();
    recorded = "recorded in its journal";
  } catch {
    try {
      const read = await opts.store.read(runId);
      const resumed = read.events.slice(durableSeq).find((e) => e.type === "run.resumed");
      if (resumed && resumed.type === "run.resumed") {
        recorded = `not recorded: ${resumed.user}@${resumed.host} resumed it at ${resumed.at} and drives it now`;
      } else {
        const again = await opts.store.reopen(runId, read);
        again.append(event);
        await again.flush();
        await again.close();
        recorded = "recorded in its journal";
      }
    } catch (err) {
      recorded = `could not be recorded: ${(err as Error).message}`;
    }
  }
  const lost =
    discarded.length > 0
      ? ` ${discarded.length} event(s) it had not recorded yet were discarded (${discarded.map((e) => e.type).join(", ")}).`
      : "";
  opts.say(
    `error: run ${runId} lost its locks (${reason}) and stopped before its next action; this process did ` +
      `nothing more (${recorded}).${lost} \`${rbxCommand(["status", runId], opts.stateDir)}\` shows who holds the target now.`,
  );
  return { exit: EXIT_CODES.halted, runId, status: "fenced" };
}

/** The store stopped answering: the run stops before its next action; resume it once the store is back. */
async function storeLost(d: Driving, opts: SessionOptions, reason: string): Promise<SessionResult> {
  const { runId, journal, state } = d;
  await d.held.stop();
  const unwritten = journal.unwritten();
  const durable = unwritten[0] ? unwritten[0].seq - 1 : (state.last?.seq ?? 0);
  const pending =
    unwritten.length > 0
      ? ` ${unwritten.length} event(s) after #${durable} were not recorded (${unwritten.map((e) => e.type).join(", ")}); a resume settles that step again (in-doubt probes).`
      : "";
  opts.say(
    `error: run ${runId} stopped before its next action: ${reason}.${pending} Its locks stay with the run; ` +
      `\`${rbxCommand(["resume", runId], opts.stateDir)}\` continues it once the store answers again.`,
  );
  return { exit: EXIT_CODES.halted, runId, status: "store-unreachable" };
}
