// `rbx run`: check the runbook, lock its targets, journal and drive a new run.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describeSystemError, isSystemError } from "../../diagnostics/system-error.js";
import { bindDocument } from "../bind/bind-document.js";
import { prepareRunbook } from "../bind/prepare.js";
import type { EventBody } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents } from "../model/state.js";
import { newRunId } from "../store/run-ids.js";
import type { RunJournal } from "../store/run-store.js";
import { StoreWriteError } from "../store/store-error.js";
import { driverFor, finish, journalFailed, ownKeys, scopeFor, takeLocks } from "./drive-session.js";
import { catalogFor } from "./session-catalog.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** `rbx run`: check, lock, journal and drive a new run. */
export async function startRun(
  file: string,
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
  planHash: string | undefined,
  opts: SessionOptions,
): Promise<SessionResult> {
  const catalog = await catalogFor(opts, file);
  if (!catalog) return { exit: EXIT_CODES.usage };
  const b = bindDocument(prepareRunbook(file, opts.cwd, catalog), params, { ...opts, catalog });
  if (!b) return { exit: EXIT_CODES.usage };
  if (planHash !== undefined && planHash !== b.plan.planHash) {
    opts.say(
      `error: the plan hash is ${b.plan.planHash}, not the reviewed ${planHash}: the document, params or resolved ` +
        "commands changed since the plan was made. Run `rbx plan` again and review it.",
    );
    return { exit: EXIT_CODES.usage };
  }
  // Ctrl-C or SIGTERM while the runbook was read and checked: nothing has started, so no run is made.
  if (opts.signal.aborted) {
    opts.say(`interrupted by ${opts.signalName?.() ?? "a signal"} before the run started; nothing ran`);
    return { exit: EXIT_CODES.interrupted };
  }
  const runId = opts.runId ?? newRunId();
  const all = b.keys;
  const { own, inherited } = ownKeys(all, opts);
  b.keys = own;
  const taken = await takeLocks(own, runId, opts);
  if (!taken) return { exit: EXIT_CODES.usage };
  const { holder, locked } = taken;
  let journal: RunJournal;
  try {
    // The copy first: on a disk too full for it, no journal is left behind.
    copyFileSync(b.prepared.file, join(opts.store.workDir(runId), "runbook.rb.yaml"));
    journal = await opts.store.create(runId);
  } catch (err) {
    await opts.store.unlock(runId, b.keys);
    if (!(err instanceof StoreWriteError) && !isSystemError(err)) throw err;
    const why = err instanceof StoreWriteError ? err.message : describeSystemError(err);
    opts.say(`error: ${why}; nothing ran. Make room in ${opts.store.location}, then run the command again.`);
    return { exit: EXIT_CODES.usage };
  }
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
      ...(b.plan.modules ? { modules: b.plan.modules } : {}),
      ...(b.plan.imports ? { imports: b.plan.imports } : {}),
      user: opts.user,
      host: holder.host,
      pid: holder.pid,
      locks: all,
      ...(opts.parent ? { parent: { runId: opts.parent.runId, step: opts.parent.step }, inherited } : {}),
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
    await driver.run();
    return await finish(opts, b, scope, state);
  } catch (err) {
    if (!(err instanceof StoreWriteError)) throw err;
    await scope.end(); // the live view gives the terminal back before the error is said
    return await journalFailed(opts, b.keys, runId, journal, err);
  } finally {
    await scope.end();
    await journal.close();
  }
}
