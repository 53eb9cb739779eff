// Reading runs for `rbx status` and `rbx runs`: verify the journal, fold it, load its document if it can.
import type { ActionCatalog } from "../../contract/action.js";
import { buildProgram } from "../bind/program.js";
import type { Runner } from "../model/recovery-choices.js";
import { foldEvents, type RunState } from "../model/state.js";
import type { RunStore } from "../store/run-store.js";
import { standings } from "./lock-messages.js";
import { previewRollback } from "./rollback-preview.js";
import { runDocument } from "./run-document.js";
import type { CatalogResolver } from "./session-options.js";
import { runSnapshots, snapshotDump, snapshotWhere } from "./snapshots.js";
import { runnerOf, type StatusReport, statusReport } from "./status-report.js";

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
): Promise<StatusReport> {
  const read = await store.read(runId);
  const state = foldEvents(runId, read.events);
  const file = state.started?.runbook.file;
  // Status shows the journal even when the runbook's actions cannot be loaded; only "rollback now" needs them.
  const found = file && typeof catalogs === "function" ? await catalogs(file) : undefined;
  const catalog =
    typeof catalogs !== "function" ? catalogs : found && "catalog" in found ? found.catalog : undefined;
  const prepared =
    state.started && catalog
      ? (await runDocument(runId, state.started, undefined, { store, cwd, catalog })).prepared
      : undefined;
  const program = prepared?.ok ? buildProgram(prepared.runbook) : undefined;
  const holders = state.started ? await store.holders(state.started.locks) : [];
  const journalPath = store.journalFile?.(runId);
  const snapshots = runSnapshots(read.events).map((s) => ({
    step: s.step,
    id: s.id,
    where: snapshotWhere(s),
    readableHere: snapshotDump(s, env) !== undefined,
  }));
  const preview =
    program && catalog && state.started ? previewRollback(state, program, catalog, env) : undefined;
  return statusReport(state, read, {
    ...(program ? { program } : {}),
    holders,
    standings: await standings(store, holders, state),
    ...(stateDir ? { stateDir } : {}),
    ...(journalPath ? { journalPath } : {}),
    snapshots,
    ...(preview ? { preview } : {}),
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
    let status: string = state.status;
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
