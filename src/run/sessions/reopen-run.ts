// Reopening a stopped run for resume or rollback: its journal verified, its document checked, its lock retaken.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Bound, bindDocument } from "../bind/bind-document.js";
import { documentChanges } from "../bind/document-diff.js";
import { prepareRunbook, prepareText } from "../bind/prepare.js";
import type { Driver } from "../interpreter/driver.js";
import type { EventBody } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents, type RunState, type RunStatus } from "../model/state.js";
import type { JournalRead } from "../store/journal-file.js";
import { resolveRunId } from "../store/run-ids.js";
import type { RunStore } from "../store/run-store.js";
import { StoreWriteError } from "../store/store-error.js";
import { driverFor, finish, journalFailed, scopeFor, takeLocks } from "./drive-session.js";
import type { RunScope } from "./run-scope.js";
import { catalogFor } from "./session-catalog.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/**
 * Find a run by id or unique prefix and read its journal; a journal that does not verify is refused (its
 * problems said, then `refusal` when given), as is an unknown run.
 */
export async function readRun(
  id: string,
  opts: SessionOptions,
  refusal?: string,
): Promise<{ runId: string; read: JournalRead } | SessionResult> {
  const resolved = await resolveRunId(opts.store, id);
  if (typeof resolved !== "string") {
    opts.say(`error: ${resolved.error}`);
    return { exit: EXIT_CODES.usage };
  }
  const runId = resolved;
  const read = await opts.store.read(runId);
  if (read.problems.length > 0) {
    for (const p of read.problems) opts.say(`error: journal integrity: ${p.message}`);
    if (refusal) opts.say(refusal);
    return { exit: EXIT_CODES.usage, runId };
  }
  return { runId, read };
}

/** What continuing an existing run needs, or the exit code it was refused with. */
export interface Reopened {
  runId: string;
  b: Bound;
  state: RunState;
  driver: Driver;
  scope: RunScope;
  journal: Awaited<ReturnType<RunStore["reopen"]>>;
}

/** Reopen a run for `mode`: refuse a finished run or a changed document (unless accepted), relock, journal it. */
export async function reopenRun(
  id: string,
  mode: "resume" | "rollback",
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<Reopened | SessionResult> {
  const found = await readRun(
    id,
    opts,
    "error: refusing to continue a journal that does not verify; `rbx status` shows where it breaks",
  );
  if (!("read" in found)) return found;
  const { runId, read } = found;
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
  const catalog = await catalogFor(opts, path);
  if (!catalog) return { exit: EXIT_CODES.usage, runId };
  const prepared = prepareRunbook(path, opts.cwd, catalog);
  let changes: string[] | undefined;
  if (prepared.ok && prepared.contentHash !== started.runbook.contentHash) {
    const old = existsSync(copy)
      ? prepareText(started.runbook.file, readFileSync(copy, "utf8"), catalog)
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
    { ...opts, catalog },
  );
  if (!b) return { exit: EXIT_CODES.usage, runId };
  // A child run works under the locks its ancestors hold; it takes back only its own.
  const keys = started.locks.filter((k) => !(started.inherited ?? []).includes(k.key));
  b.keys = keys;
  const taken = await takeLocks(keys, runId, opts);
  if (!taken) return { exit: EXIT_CODES.usage, runId };
  const { holder, locked } = taken;
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

/** Drive a reopened run to its end (after `before`, if any), then close its scope and journal. */
export async function driveReopened(
  r: Reopened,
  opts: SessionOptions,
  before?: () => void,
): Promise<SessionResult> {
  try {
    before?.();
    await r.driver.run();
    return await finish(opts, r.b, r.scope, r.state);
  } catch (err) {
    if (!(err instanceof StoreWriteError)) throw err;
    await r.scope.end(); // the live view gives the terminal back before the error is said
    return await journalFailed(opts, r.b.keys, r.runId, r.journal, err);
  } finally {
    await r.scope.end();
    await r.journal.close();
  }
}
