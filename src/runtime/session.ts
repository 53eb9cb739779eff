// Starting, resuming and rolling back runs (and skipping a step): what the operator verbs do, over one RunStore.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { AnyAction } from "../builtins/index.js";
import type { ActionLogger } from "./action.js";
import type { Ask } from "./approvals.js";
import { bindDocument } from "./bind-document.js";
import { driverFor, finish, scopeFor, takeLocks } from "./drive-session.js";
import type { SettleChoice } from "./driver.js";
import type { EventBody, RunEvent } from "./events.js";
import { prepareRunbook } from "./prepare.js";
import { driveReopened, reopenRun } from "./reopen-run.js";
import { EXIT_CODES, newRunId } from "./run-identity.js";
import type { ObserveRun } from "./run-scope.js";
import type { RunStore } from "./run-store.js";
import { foldEvents, type RunStatus } from "./state.js";

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
  const taken = await takeLocks(b.keys, runId, opts);
  if (!taken) return { exit: EXIT_CODES.usage };
  const { holder, locked } = taken;
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

/** `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal. */
export async function resumeRun(
  id: string,
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<SessionResult> {
  const r = await reopenRun(id, "resume", extra, opts);
  if (!("driver" in r)) return r;
  if (!r.scope.observed) opts.say(`run ${r.runId} resumed`);
  return driveReopened(r, opts, false);
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
  return driveReopened(r, opts, true, () => {
    if (!state.rollback || state.rollback.done) {
      const boundaries = state.entered.filter((p) => b.bound.program.rollbacks.has(p)).reverse();
      r.driver.record([{ type: "rollback.started", reason: "operator", boundaries, by: opts.user }]);
      if (!scope.observed)
        opts.say(
          `rolling back run ${r.runId}: ${boundaries.length > 0 ? boundaries.join(", ") : "no boundary was entered"}`,
        );
    } else opts.say(`continuing the rollback of run ${r.runId}`);
  });
}

export { planRunbook } from "./bind-document.js";
export { resolveRunId } from "./run-identity.js";
export { skipStep } from "./skip-step.js";
