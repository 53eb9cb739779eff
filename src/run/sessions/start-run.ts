// `rbx run`: check the runbook, lock its targets, journal and drive a new run.
import { bindDocument } from "../bind/bind-document.js";
import { prepareRunbook } from "../bind/prepare.js";
import type { EventBody } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents } from "../model/state.js";
import { newRunId } from "../store/run-ids.js";
import {
  driverFields,
  driverFor,
  driveToEnd,
  identifyTargets,
  lockEvents,
  recordTakeovers,
  registerSecrets,
  scopeFor,
  sessionActor,
  takeLocks,
} from "./drive-session.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** `rbx run`: check, lock, journal and drive a new run. */
export async function startRun(
  file: string,
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
  planHash: string | undefined,
  opts: SessionOptions,
): Promise<SessionResult> {
  const b = bindDocument(prepareRunbook(file, opts.cwd, opts.catalog), params, opts);
  if (!b) return { exit: EXIT_CODES.usage };
  registerSecrets(b, opts);
  if (planHash !== undefined && planHash !== b.plan.planHash) {
    opts.say(
      `error: the plan hash is ${b.plan.planHash}, not the reviewed ${planHash}: the document, params or resolved ` +
        "commands changed since the plan was made. Run `rbx plan` again and review it.",
    );
    return { exit: EXIT_CODES.usage };
  }
  const targets = await identifyTargets(b, opts);
  if (!targets) return { exit: EXIT_CODES.usage };
  b.keys = targets.keys;
  const actor = await sessionActor(opts);
  const runId = opts.runId ?? newRunId();
  if (opts.runId !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(runId)) {
      opts.say(`error: "${runId}" is not a run id: use letters, digits, ".", "_" and "-"`);
      return { exit: EXIT_CODES.usage };
    }
    if ((await opts.store.list()).includes(runId)) {
      opts.say(
        `error: run ${runId} already exists in ${opts.store.location}; \`rbx resume ${runId}\` continues it`,
      );
      return { exit: EXIT_CODES.usage, runId };
    }
  }
  const held = await takeLocks(b.keys, targets.connections, runId, actor, opts);
  if (!held) return { exit: EXIT_CODES.usage };
  let journal: Awaited<ReturnType<typeof opts.store.create>>;
  try {
    journal = await opts.store.create(runId, held.fence);
    await opts.store.saveDocument(runId, b.prepared.text);
  } catch (err) {
    await held.release().catch(() => {});
    throw err;
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
      ...driverFields(actor),
      locks: b.keys,
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
