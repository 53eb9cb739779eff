// Starting, resuming, rolling back and skipping runs: what the operator verbs do, over one RunStore.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { AnyAction } from "../builtins/index.js";
import type { ActionLogger, JsonValue } from "./action.js";
import { ApprovalBroker, type Ask } from "./approvals.js";
import { documentChanges } from "./document-diff.js";
import { Driver, type SettleChoice } from "./driver.js";
import type { EventBody, RunEvent } from "./events.js";
import { lockKeysFor } from "./lock-keys.js";
import { resolveParams } from "./params.js";
import { buildPlan, type RunPlan } from "./plan.js";
import { type Prepared, prepareRunbook, prepareText } from "./prepare.js";
import {
  actionLookup,
  describeConflicts,
  EXIT_CODES,
  exitCodeFor,
  newRunId,
  resolveRunId,
} from "./run-identity.js";
import { type BoundRun, bindRun } from "./run-setup.js";
import type { LockKey, RunStore } from "./run-store.js";
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
  log: ActionLogger;
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

interface Bound {
  prepared: Extract<Prepared, { ok: true }>;
  bound: BoundRun;
  keys: LockKey[];
  plan: RunPlan;
}

function bindDocument(
  prepared: Prepared,
  paramSources: {
    cli: ReadonlyMap<string, string>;
    file?: Record<string, unknown>;
    recorded?: Record<string, JsonValue>;
  },
  opts: Pick<SessionOptions, "env" | "catalog" | "say">,
): Bound | undefined {
  if (!prepared.ok) {
    opts.say(prepared.message.trimEnd());
    return undefined;
  }
  if (prepared.warnings) opts.say(prepared.warnings.trimEnd());
  const { runbook } = prepared;
  const params = resolveParams(runbook, { ...paramSources, env: opts.env });
  if (params.problems.length > 0) {
    for (const p of params.problems) opts.say(`error: ${p}`);
    return undefined;
  }
  const actions = actionLookup(opts.catalog);
  const bound = bindRun(runbook, params.values, params.secrets, opts.env, actions);
  if (bound.problems.length > 0) {
    for (const p of bound.problems) opts.say(`error: ${p}`);
    return undefined;
  }
  const keys = lockKeysFor(bound.program, bound.connections, actions);
  const identity = {
    name: runbook.metadata.name.value,
    version: runbook.metadata.version.value,
    file: prepared.file,
    contentHash: prepared.contentHash,
  };
  const plan = buildPlan(
    bound,
    actions,
    identity,
    keys.map((k) => k.label),
  );
  return { prepared, bound, keys, plan };
}

/** Plan a runbook without side effects. */
export function planRunbook(
  file: string,
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
  opts: Pick<SessionOptions, "cwd" | "env" | "catalog" | "say">,
): RunPlan | undefined {
  return bindDocument(prepareRunbook(file, opts.cwd, opts.catalog), params, opts)?.plan;
}

function driverFor(
  b: Bound,
  state: RunState,
  journal: Awaited<ReturnType<RunStore["create"]>>,
  opts: SessionOptions,
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
    log: opts.log,
    ...(opts.settle ? { settle: opts.settle } : {}),
    ...(opts.askInDoubt ? { askInDoubt: opts.askInDoubt } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.signalName ? { signalName: opts.signalName } : {}),
  });
}

async function finish(
  opts: SessionOptions,
  b: Bound,
  runId: string,
  status: RunStatus,
  rollback = false,
): Promise<SessionResult> {
  if (status !== "halted" && status !== "interrupted") await opts.store.unlock(runId, b.keys);
  else
    opts.say(
      `run ${runId} ${status}; its lock is kept for \`rbx resume ${runId}\` or \`rbx rollback ${runId}\``,
    );
  return { exit: exitCodeFor(status, rollback), runId, status };
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
  const driver = driverFor(b, state, journal, opts);
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
  driver.record(events);
  opts.say(`run ${runId} started (journal in ${opts.store.location})`);
  try {
    const status = await driver.run();
    return await finish(opts, b, runId, status);
  } finally {
    await journal.close();
  }
}

/** What continuing an existing run needs, or the exit code it was refused with. */
interface Reopened {
  runId: string;
  b: Bound;
  state: RunState;
  driver: Driver;
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
  const driver = driverFor(b, state, journal, opts);
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
  driver.record(events);
  return { runId, b, state, driver, journal };
}

/** `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal. */
export async function resumeRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "resume", extra, opts);
  if (!("driver" in r)) return r;
  opts.say(`run ${r.runId} resumed`);
  try {
    const status = await r.driver.run();
    return await finish(opts, r.b, r.runId, status);
  } finally {
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
  const { state, b } = r;
  if (!state.rollback || state.rollback.done) {
    const boundaries = state.entered.filter((p) => b.bound.program.rollbacks.has(p)).reverse();
    r.driver.record([{ type: "rollback.started", reason: "operator", boundaries, by: opts.user }]);
    opts.say(
      `rolling back run ${r.runId}: ${boundaries.length > 0 ? boundaries.join(", ") : "no boundary was entered"}`,
    );
  } else opts.say(`continuing the rollback of run ${r.runId}`);
  try {
    const status = await r.driver.run();
    return await finish(opts, b, r.runId, status, true);
  } finally {
    await r.journal.close();
  }
}

export {
  actionLookup,
  describeConflicts,
  EXIT_CODES,
  exitCodeFor,
  newRunId,
  resolveRunId,
} from "./run-identity.js";
export { skipStep } from "./skip-step.js";
