// Reopening a stopped run for resume or rollback: its journal verified, its document checked, its lock retaken.

import type { ActionCatalog } from "../../contract/action.js";
import { bindDocument } from "../bind/bind-document.js";
import { documentChanges } from "../bind/document-diff.js";
import { prepareText } from "../bind/prepare.js";
import type { EventBody, RunEvent } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents, type RunStatus } from "../model/state.js";
import type { JournalRead } from "../store/journal-file.js";
import { resolveRunId } from "../store/run-ids.js";
import type { RunJournal } from "../store/run-store.js";
import {
  type Driving,
  driverFields,
  driverFor,
  driveToEnd,
  identifyTargets,
  lockEvents,
  recordTakeovers,
  registerSecrets,
  scopeFor,
  sessionActor,
  stoppedWords,
  takeLocks,
} from "./drive-session.js";
import { type RunDocument, runDocument } from "./run-document.js";
import { catalogFor } from "./session-catalog.js";
import type { SessionOptions, SessionResult } from "./session-options.js";
import { snapshotsReadable } from "./snapshots.js";

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

/** A run's catalog and prepared document, and what finding them said (to be said when it is the verb's turn). */
interface LoadedDocument {
  runId: string;
  started: RunStarted;
  catalog?: ActionCatalog;
  document?: RunDocument;
  said: string[];
}

type RunStarted = Extract<RunEvent, { type: "run.started" }>;

/** Find the catalog and prepare the runbook of a run that started; nothing is said yet. */
async function loadDocument(
  runId: string,
  started: RunStarted,
  file: string | undefined,
  opts: SessionOptions,
): Promise<LoadedDocument> {
  const said: string[] = [];
  const catalog = await catalogFor({ ...opts, say: (line) => said.push(line) }, file ?? started.runbook.file);
  if (!catalog) return { runId, started, said };
  const document = await runDocument(runId, started, file, { ...opts, catalog });
  return { runId, started, catalog, document, said };
}

/** Whether the first event read alone is the verified journal's run.started (the same runbook, the same start). */
function sameStart(a: RunStarted, b: RunStarted): boolean {
  return (
    a.seq === b.seq &&
    a.prev === b.prev &&
    a.at === b.at &&
    a.runbook.file === b.runbook.file &&
    a.runbook.contentHash === b.runbook.contentHash
  );
}

/** What continuing an existing run needs, or the exit code it was refused with. */
export type Reopened = Driving;

/** Reopen a run for `mode`: refuse a finished run or a changed document (unless accepted), relock, journal it. */
export async function reopenRun(
  id: string,
  mode: "resume" | "rollback",
  extra: { paramsFile?: Record<string, unknown>; file?: string },
  opts: SessionOptions,
): Promise<Reopened | SessionResult> {
  // The runbook loads before the journal is read, from the journal's first event: its YAML parse is the peak
  // of memory, and nothing of the journal (its events, their folded state) is held beside it then. What loading
  // says is said where it always was: after the journal is verified and the run found open.
  const resolved = await resolveRunId(opts.store, id);
  const first = typeof resolved === "string" ? await opts.store.firstEvent(resolved) : undefined;
  const early =
    typeof resolved === "string" && first?.type === "run.started"
      ? await loadDocument(resolved, first, extra.file, opts)
      : undefined;
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
  const loaded =
    early && early.runId === runId && sameStart(early.started, started)
      ? early
      : await loadDocument(runId, started, extra.file, opts);
  for (const line of loaded.said) opts.say(line);
  if (!loaded.catalog || !loaded.document) return { exit: EXIT_CODES.usage, runId };
  const { catalog } = loaded;
  const { prepared, path, kept } = loaded.document;
  let changes: string[] | undefined;
  if (prepared.ok && prepared.contentHash !== started.runbook.contentHash) {
    const old = kept !== undefined ? prepareText(started.runbook.file, kept, catalog) : undefined;
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
  registerSecrets(b, opts);
  if (!snapshotsReadable(read.events, mode, opts)) return { exit: EXIT_CODES.usage, runId };
  const targets = await identifyTargets(b, opts);
  if (!targets) return { exit: EXIT_CODES.usage, runId };
  // A child run works under the locks its ancestors hold; it takes back only its own.
  b.keys = started.locks.filter((k) => !(started.inherited ?? []).includes(k.key));
  const actor = await sessionActor(opts);
  const held = await takeLocks(b.keys, targets.connections, runId, actor, opts);
  if (!held) return { exit: EXIT_CODES.usage, runId };
  let journal: RunJournal;
  try {
    journal = await opts.store.reopen(runId, read, held.fence);
  } catch (err) {
    await held.halt(stoppedWords(state)).catch(() => {});
    throw err;
  }
  await recordTakeovers(held, runId, actor, opts);
  const scope = scopeFor(b, runId, read.events, opts);
  const driver = driverFor(b, state, journal, opts, scope, actor, held);
  const events: EventBody[] = [];
  if (read.tornBytes > 0) events.push({ type: "journal.repaired", droppedBytes: read.tornBytes });
  events.push({ type: "run.resumed", ...driverFields(actor), ...(changes ? { changes } : {}) });
  events.push(...lockEvents(held, actor));
  try {
    driver.record(events);
  } catch (err) {
    await scope.end();
    await journal.close();
    await held.halt(stoppedWords(state)).catch(() => {});
    throw err;
  }
  return { runId, b, state, driver, scope, journal, held, actor };
}

/** Drive a reopened run to its end (after `before`, if any); its locks, scope and journal end with it. */
export function driveReopened(
  r: Reopened,
  opts: SessionOptions,
  before?: () => void,
): Promise<SessionResult> {
  return driveToEnd(r, opts, before);
}
