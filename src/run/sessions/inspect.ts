// Reading runs for `rbx status` and `rbx runs`: verify the journal, fold it, load its document if it can.
import type { ActionCatalog } from "../../contract/action.js";
import { bindDocument } from "../bind/bind-document.js";
import type { Prepared } from "../bind/prepare.js";
import { buildProgram, type Program } from "../bind/program.js";
import type { RunEvent } from "../model/events.js";
import type { Runner } from "../model/recovery-choices.js";
import { foldEvents, NOT_STARTED, type RunState } from "../model/state.js";
import type { RunStore } from "../store/run-store.js";
import { standings } from "./lock-messages.js";
import { previewRollback, type RollbackPreview } from "./rollback-preview.js";
import { runDocument } from "./run-document.js";
import type { CatalogResolver } from "./session-options.js";
import { runSnapshots, snapshotDump, snapshotWhere } from "./snapshots.js";
import {
  type JournalIntegrity,
  journalIntegrity,
  runnerOf,
  type StatusInputs,
  type StatusReport,
  statusReport,
} from "./status-report.js";

/** `rbx status --preview-rollback`: run the rollback's reads now, with the run's secrets from the environment. */
export interface LivePreview {
  signal: AbortSignal;
  /** Where binding problems (a missing secret) are said. */
  say: (line: string) => void;
}

/**
 * The status report of one run; `stateDir` is repeated in the commands it suggests, as the operator gave it;
 * `env` lets it evaluate the rollback's `when`s over the recorded params and tells where this machine looks for
 * snapshot dumps (RBX_SNAPSHOTS_DIR).
 */
export async function inspectRun(
  store: RunStore,
  runId: string,
  cwd: string,
  catalogs: ActionCatalog | CatalogResolver,
  stateDir?: string,
  env: Readonly<Record<string, string | undefined>> = {},
  live?: LivePreview,
): Promise<StatusReport> {
  // The runbook loads before the journal is read, from the journal's first event: its YAML parse is this
  // command's peak of memory, and nothing of the journal is held beside it then (5,000 steps: ~10,000 events,
  // folded into a state of several MB). When the first event cannot be read alone, the folded journal says.
  const first = await store.firstEvent(runId);
  const early =
    first?.type === "run.started" ? await runbookOf(store, runId, first, cwd, catalogs) : undefined;
  const journal = await readForStatus(store, runId, env, live !== undefined);
  const { state } = journal;
  const { catalog, prepared } =
    early ?? (state.started ? await runbookOf(store, runId, state.started, cwd, catalogs) : {});
  const program = prepared?.ok ? buildProgram(prepared.runbook) : undefined;
  const holders = state.started ? await store.holders(state.started.locks) : [];
  const journalPath = store.journalFile?.(runId);
  const preview =
    program && catalog && state.started
      ? await rollbackPreview(store, journal.events, state, program, catalog, prepared, env, live)
      : undefined;
  return statusReport(state, journal.integrity, {
    ...(program ? { program } : {}),
    holders,
    standings: await standings(store, holders, state),
    ...(stateDir ? { stateDir } : {}),
    ...(journalPath ? { journalPath } : {}),
    snapshots: journal.snapshots,
    ...(preview ? { preview } : {}),
  });
}

/**
 * The catalog and the prepared runbook of a run that started; status shows the journal even when the runbook's
 * actions cannot be loaded (no catalog): only "rollback now" needs them.
 */
async function runbookOf(
  store: RunStore,
  runId: string,
  started: Extract<RunEvent, { type: "run.started" }>,
  cwd: string,
  catalogs: ActionCatalog | CatalogResolver,
): Promise<{ catalog?: ActionCatalog; prepared?: Prepared }> {
  if (typeof catalogs !== "function") return runbookWith(store, runId, started, cwd, catalogs);
  if (!started.runbook.file) return {};
  const found = await catalogs(started.runbook.file);
  return "catalog" in found ? runbookWith(store, runId, started, cwd, found.catalog) : {};
}

async function runbookWith(
  store: RunStore,
  runId: string,
  started: Extract<RunEvent, { type: "run.started" }>,
  cwd: string,
  catalog: ActionCatalog,
): Promise<{ catalog: ActionCatalog; prepared: Prepared }> {
  const { prepared } = await runDocument(runId, started, undefined, { store, cwd, catalog });
  return { catalog, prepared };
}

/**
 * The journal as status uses it: folded, its snapshots and its integrity, and the events themselves only when
 * a live preview folds them again.
 */
async function readForStatus(
  store: RunStore,
  runId: string,
  env: Readonly<Record<string, string | undefined>>,
  keepEvents: boolean,
): Promise<{
  state: RunState;
  integrity: JournalIntegrity;
  snapshots: NonNullable<StatusInputs["snapshots"]>;
  events: readonly RunEvent[];
}> {
  const read = await store.read(runId);
  const snapshots = runSnapshots(read.events).map((s) => ({
    step: s.step,
    id: s.id,
    where: snapshotWhere(s),
    readableHere: snapshotDump(s, env) !== undefined,
  }));
  return {
    state: foldEvents(runId, read.events),
    integrity: journalIntegrity(read),
    snapshots,
    events: keepEvents ? read.events : [],
  };
}

// What a rollback would do now: over the journal, or (live) bound with the run's secrets from `env`, its reads
// run into a fresh fold of the journal (nothing journaled). Undefined when a live binding fails (it says why).
async function rollbackPreview(
  store: RunStore,
  events: readonly RunEvent[],
  state: RunState,
  program: Program,
  catalog: ActionCatalog,
  prepared: Prepared | undefined,
  env: Readonly<Record<string, string | undefined>>,
  live: LivePreview | undefined,
): Promise<RollbackPreview | undefined> {
  if (!live || !prepared || !state.started) return previewRollback(state, program, catalog, { env });
  const paramSources = { cli: new Map<string, string>(), recorded: state.started.params };
  const bound = bindDocument(prepared, paramSources, { env, catalog, say: live.say });
  if (!bound) return undefined;
  return previewRollback(foldEvents(state.runId, events), program, catalog, {
    env,
    bound: bound.bound,
    live: { workDir: store.workDir(state.runId), signal: live.signal },
  });
}

/** Whether a process runs a run (for reports read from a store): from the run's own locks. */
export async function runnerOfRun(store: RunStore, state: RunState): Promise<Runner> {
  const holders = state.started ? await store.holders(state.started.locks) : [];
  return runnerOf(state.runId, holders);
}

/** One line of `rbx runs`. */
export interface RunListing {
  runId: string;
  runbook: string;
  status: string;
  startedAt: string;
  lastEventAt: string;
  verified: boolean;
}

/** Every run, oldest first, with the state each reached. */
export async function listRuns(store: RunStore): Promise<RunListing[]> {
  const out: RunListing[] = [];
  for (const runId of await store.list()) {
    const read = await store.read(runId);
    const state = foldEvents(runId, read.events);
    let status: string = state.started ? state.status : NOT_STARTED;
    if ((status === "running" || status === "rolling-back") && (await runnerOfRun(store, state)) === "gone")
      status = "crashed";
    out.push({
      runId,
      runbook: state.started ? `${state.started.runbook.name} ${state.started.runbook.version}` : "?",
      status,
      startedAt: state.started?.at ?? "",
      lastEventAt: state.last?.at ?? "",
      verified: read.problems.length === 0,
    });
  }
  return out;
}
