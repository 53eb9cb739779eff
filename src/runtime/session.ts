// Starting, resuming, rolling back and skipping runs: what the operator verbs do, over one RunStore.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { AnyAction } from "../builtins/index.js";
import type { ActionLogger } from "./action.js";
import { ApprovalBroker, type Ask } from "./approvals.js";
import { type Bound, bindDocument } from "./bind-document.js";
import { documentChanges } from "./document-diff.js";
import { Driver, type SettleChoice } from "./driver.js";
import type { EventBody, RunEvent } from "./events.js";
import { prepareRunbook, prepareText } from "./prepare.js";
import {
  actionLookup,
  describeConflicts,
  EXIT_CODES,
  exitCodeFor,
  newRunId,
  resolveRunId,
} from "./run-identity.js";
import { type ObserveRun, openRunScope, type RunScope } from "./run-scope.js";
import type { RunStore } from "./run-store.js";
import { foldEvents, type RunState, type RunStatus } from "./state.js";

/** What every verb needs from its caller (the CLI, or a test). */
export interface SessionOptions {
  store: RunStore;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  user: string;
  /** Replaces the built-in catalog (tests register actions that do real work). */
  catalog?: readonly AnyAction[];
  approve?: ReadonlySet<string>;
  approveAll?: boolean;
  ask?: Ask;
  askInDoubt?: (step: string, why: string) => Promise<SettleChoice | undefined>;
  settle?: ReadonlyMap<string, SettleChoice>;
  forceUnlock?: boolean;
  acceptChanges?: boolean;
  signal: AbortSignal;
  signalName?: () => string;
  /** Builds the run's view (the CLI's live progress or NDJSON); it gets every event and each step's log. */
  observe?: ObserveRun;
  /** Every step's logger when there is no `observe` (library callers); silent when absent too. */
  log?: ActionLogger;
  onEvent?: (event: RunEvent) => void;
  /** Operator-facing lines (stderr). */
  say: (line: string) => void;
}

/** How a verb ended. */
export interface SessionResult {
  exit: number;
  runId?: string;
  status?: RunStatus;
}

function driverFor(
  b: Bound,
  state: RunState,
  journal: Awaited<ReturnType<RunStore["create"]>>,
  opts: SessionOptions,
  scope: RunScope,
) {
  return new Driver({
    program: b.bound.program,
    state,
    journal,
    evaluator: b.bound.evaluator,
    actions: actionLookup(opts.catalog),
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
  });
}

async function finish(
  opts: SessionOptions,
  b: Bound,
  scope: RunScope,
  runId: string,
  status: RunStatus,
  rollback = false,
): Promise<SessionResult> {
  if (status !== "halted" && status !== "interrupted") await opts.store.unlock(runId, b.keys);
  // An observer has just printed the recovery commands; say only what it does not: the lock stays.
  else if (scope.observed)
    opts.say(`the lock on its targets is kept until the run is resumed or rolled back`);
  else
    opts.say(
      `run ${runId} ${status}; its lock is kept for \`rbx resume ${runId}\` or \`rbx rollback ${runId}\``,
    );
  return { exit: exitCodeFor(status, rollback), runId, status };
}

/** Open the run's scope: its view (seeing `history` as already shown) and its shared resources. */
function scopeFor(b: Bound, runId: string, history: readonly RunEvent[], opts: SessionOptions): RunScope {
  return openRunScope({ runId, program: b.bound.program, redactor: b.bound.redactor, history }, opts);
}

/** `rbx run`: check, lock, journal and drive a new run. */
export async function startRun(
  file: string,
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
  planHash: string | undefined,
  opts: SessionOptions,
): Promise<SessionResult> {
  const b = bindDocument(prepareRunbook(file, opts.cwd, opts.catalog), params, opts);
  if (!b) return { exit: EXIT_CODES.usage };
  if (planHash !== undefined && planHash !== b.plan.planHash) {
    opts.say(
      `error: the plan hash is ${b.plan.planHash}, not the reviewed ${planHash}: the document, params or resolved ` +
        "commands changed since the plan was made. Run `rbx plan` again and review it.",
    );
    return { exit: EXIT_CODES.usage };
  }
  const runId = newRunId();
  const holder = { runId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const locked = await opts.store.lock(b.keys, holder, opts.forceUnlock ?? false);
  if (!locked.ok) {
    for (const line of describeConflicts(locked.conflicts)) opts.say(`error: ${line}`);
    return { exit: EXIT_CODES.usage };
  }
  const journal = await opts.store.create(runId);
  copyFileSync(b.prepared.file, join(opts.store.workDir(runId), "runbook.rb.yaml"));
  const state = foldEvents(runId, []);
  const scope = scopeFor(b, runId, [], opts);
  const driver = driverFor(b, state, journal, opts, scope);
  const events: EventBody[] = [
    {
      type: "run.started",
      runId,
      runbook: b.plan.runbook,
      params: b.bound.publicParams,
      planHash: b.plan.planHash,
      user: opts.user,
      host: holder.host,
      pid: holder.pid,
      locks: b.keys,
    },
    ...locked.forced.map((previous): EventBody => ({ type: "lock.forced", previous, by: opts.user })),
  ];
  try {
    driver.record(events);
    opts.say(
      scope.observed
        ? `journal in ${opts.store.location}`
        : `run ${runId} started (journal in ${opts.store.location})`,
    );
    const status = await driver.run();
    return await finish(opts, b, scope, runId, status);
  } finally {
    await scope.end();
    await journal.close();
  }
}

/** What continuing an existing run needs, or the exit code it was refused with. */
interface Reopened {
  runId: string;
  b: Bound;
  state: RunState;
  driver: Driver;
  scope: RunScope;
  journal: Awaited<ReturnType<RunStore["reopen"]>>;
}

async function reopenRun(
  id: string,
  mode: "resume" | "rollback",
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<Reopened | SessionResult> {
  const resolved = await resolveRunId(opts.store, id);
  if (typeof resolved !== "string") {
    opts.say(`error: ${resolved.error}`);
    return { exit: EXIT_CODES.usage };
  }
  const runId = resolved;
  const read = await opts.store.read(runId);
  if (read.problems.length > 0) {
    for (const p of read.problems) opts.say(`error: journal integrity: ${p.message}`);
    opts.say(
      "error: refusing to continue a journal that does not verify; `rbx status` shows where it breaks",
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const state = foldEvents(runId, read.events);
  const started = state.started;
  if (!started) {
    opts.say(`error: run ${runId} has no start event; there is nothing to ${mode}`);
    return { exit: EXIT_CODES.usage, runId };
  }
  const endings: RunStatus[] = mode === "resume" ? ["completed", "rolled-back", "failed"] : ["rolled-back"];
  if (endings.includes(state.status)) {
    const hint = state.status === "completed" ? "; `rbx rollback` can still undo it" : "";
    opts.say(`error: run ${runId} is ${state.status}; there is nothing to ${mode}${hint}`);
    return { exit: EXIT_CODES.usage, runId, status: state.status };
  }
  const copy = join(opts.store.workDir(runId), "runbook.rb.yaml");
  const path = extra.file ?? started.runbook.file;
  const prepared = prepareRunbook(path, opts.cwd, opts.catalog);
  let changes: string[] | undefined;
  if (prepared.ok && prepared.contentHash !== started.runbook.contentHash) {
    const old = existsSync(copy)
      ? prepareText(started.runbook.file, readFileSync(copy, "utf8"), opts.catalog)
      : undefined;
    changes = documentChanges(old?.ok ? old.runbook : undefined, prepared.runbook);
    if (!opts.acceptChanges) {
      opts.say(`error: ${path} changed since run ${runId} started:`);
      for (const c of changes) opts.say(`  ${c}`);
      opts.say(
        "Review the changes, then pass --accept-changes to continue with the new document (recorded).",
      );
      return { exit: EXIT_CODES.usage, runId };
    }
  }
  const b = bindDocument(
    prepared,
    { cli: new Map(), recorded: started.params, ...(extra.paramsFile ? { file: extra.paramsFile } : {}) },
    opts,
  );
  if (!b) return { exit: EXIT_CODES.usage, runId };
  const keys = started.locks;
  b.keys = keys;
  const holder = { runId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const locked = await opts.store.lock(keys, holder, opts.forceUnlock ?? false);
  if (!locked.ok) {
    for (const line of describeConflicts(locked.conflicts)) opts.say(`error: ${line}`);
    return { exit: EXIT_CODES.usage, runId };
  }
  const journal = await opts.store.reopen(runId, read);
  const scope = scopeFor(b, runId, read.events, opts);
  const driver = driverFor(b, state, journal, opts, scope);
  const events: EventBody[] = [];
  if (read.tornBytes > 0) events.push({ type: "journal.repaired", droppedBytes: read.tornBytes });
  events.push({
    type: "run.resumed",
    user: opts.user,
    host: holder.host,
    pid: holder.pid,
    ...(changes ? { changes } : {}),
  });
  for (const previous of locked.reclaimed) events.push({ type: "lock.reclaimed", previous });
  for (const previous of locked.forced) events.push({ type: "lock.forced", previous, by: opts.user });
  try {
    driver.record(events);
  } catch (err) {
    await scope.end();
    await journal.close();
    throw err;
  }
  return { runId, b, state, driver, scope, journal };
}

/** `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal. */
export async function resumeRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "resume", extra, opts);
  if (!("driver" in r)) return r;
  if (!r.scope.observed) opts.say(`run ${r.runId} resumed`);
  try {
    const status = await r.driver.run();
    return await finish(opts, r.b, r.scope, r.runId, status);
  } finally {
    await r.scope.end();
    await r.journal.close();
  }
}

/** `rbx rollback RUN`: unwind the boundaries the run entered, newest first — also after it completed. */
export async function rollbackRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "rollback", extra, opts);
  if (!("driver" in r)) return r;
  const { state, b, scope } = r;
  try {
    if (!state.rollback || state.rollback.done) {
      const boundaries = state.entered.filter((p) => b.bound.program.rollbacks.has(p)).reverse();
      r.driver.record([{ type: "rollback.started", reason: "operator", boundaries, by: opts.user }]);
      if (!scope.observed)
        opts.say(
          `rolling back run ${r.runId}: ${boundaries.length > 0 ? boundaries.join(", ") : "no boundary was entered"}`,
        );
    } else opts.say(`continuing the rollback of run ${r.runId}`);
    const status = await r.driver.run();
    return await finish(opts, b, scope, r.runId, status, true);
  } finally {
    await scope.end();
    await r.journal.close();
  }
}

export { planRunbook } from "./bind-document.js";
export {
  actionLookup,
  describeConflicts,
  EXIT_CODES,
  exitCodeFor,
  newRunId,
  resolveRunId,
} from "./run-identity.js";
export { skipStep } from "./skip-step.js";
