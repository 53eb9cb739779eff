// `rbx run`: check the runbook, lock its targets, journal and drive a new run.
import { describeSystemError, isSystemError } from "../../diagnostics/system-error.js";
import { bindDocument } from "../bind/bind-document.js";
import { prepareRunbook } from "../bind/prepare.js";
import type { EventBody } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents } from "../model/state.js";
import { isRunId, newRunId } from "../store/run-ids.js";
import type { RunJournal } from "../store/run-store.js";
import { StoreWriteError } from "../store/store-error.js";
import {
  driverFields,
  driverFor,
  driveToEnd,
  identifyTargets,
  lockEvents,
  ownKeys,
  recordTakeovers,
  registerSecrets,
  scopeFor,
  sessionActor,
  takeLocks,
} from "./drive-session.js";
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
  registerSecrets(b, opts);
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
  const targets = await identifyTargets(b, opts);
  if (!targets) return { exit: EXIT_CODES.usage };
  const all = targets.keys;
  // A child run works under the locks its ancestors hold and takes only its own.
  const { own, inherited } = ownKeys(all, opts);
  b.keys = own;
  const actor = await sessionActor(opts);
  const runId = opts.runId ?? newRunId();
  if (opts.runId !== undefined) {
    if (!isRunId(runId)) {
      opts.say(`error: "${runId}" is not a run id: use letters, digits, ".", "_" and "-"`);
      return { exit: EXIT_CODES.usage };
    }
    const exists = opts.store.has ? await opts.store.has(runId) : (await opts.store.list()).includes(runId);
    if (exists) {
      opts.say(
        `error: run ${runId} already exists in ${opts.store.location}; \`rbx resume ${runId}\` continues it`,
      );
      return { exit: EXIT_CODES.usage, runId };
    }
  }
  const held = await takeLocks(b.keys, targets.connections, runId, actor, opts);
  if (!held) return { exit: EXIT_CODES.usage };
  let journal: RunJournal | undefined;
  try {
    journal = await opts.store.create(runId, held.fence);
    await opts.store.saveDocument(runId, b.prepared.text);
  } catch (err) {
    // No event is written yet: a run that could not keep its runbook leaves no journal behind.
    await journal?.discard?.();
    await held.release().catch(() => {});
    if (!(err instanceof StoreWriteError) && !isSystemError(err)) throw err;
    const why = err instanceof StoreWriteError ? err.message : describeSystemError(err);
    opts.say(`error: ${why}; nothing ran. Make room in ${opts.store.location}, then run the command again.`);
    return { exit: EXIT_CODES.usage };
  }
  await recordTakeovers(held, runId, actor, opts);
  const state = foldEvents(runId, []);
  const scope = scopeFor(b, runId, [], opts);
  const driver = driverFor(b, state, journal, opts, scope, actor, held);
  const events: EventBody[] = [
    {
      type: "run.started",
      runId,
      runbook: b.plan.runbook,
      params: b.bound.publicParams,
      planHash: b.plan.planHash,
      ...(b.plan.modules ? { modules: b.plan.modules } : {}),
      ...(b.plan.imports ? { imports: b.plan.imports } : {}),
      ...driverFields(actor),
      locks: all,
      ...(opts.parent ? { parent: { runId: opts.parent.runId, step: opts.parent.step }, inherited } : {}),
    },
    ...lockEvents(held, actor),
  ];
  return driveToEnd({ runId, b, state, driver, scope, journal, held, actor }, opts, () => {
    driver.record(events);
    opts.say(
      scope.observed
        ? `journal in ${opts.store.location}`
        : `run ${runId} started (journal in ${opts.store.location})`,
    );
  });
}
