// Reading runs for `rbx status` and `rbx runs`: verify the journal, fold it, load its document if it can.
import type { ActionCatalog } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import { bindDocument } from "../bind/bind-document.js";
import { bindRun } from "../bind/bind-run.js";
import { type Prepared, prepareRunbook } from "../bind/prepare.js";
import { buildProgram } from "../bind/program.js";
import type { Runner } from "../model/recovery-choices.js";
import { foldEvents, type RunState } from "../model/state.js";
import type { RunStore } from "../store/run-store.js";
import { standings } from "./lock-messages.js";
import { previewRollback, type RollbackDecision } from "./rollback-preview.js";
import type { CatalogResolver } from "./session-options.js";
import { runnerOf, type StatusReport, statusReport, unwindNow } from "./status-report.js";

/** `rbx status --preview-rollback`: run the rollback's reads now, with the run's secrets from `env`. */
export interface LivePreview {
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  /** Where binding problems (a missing secret) are said. */
  say: (line: string) => void;
}

// What a rollback of the run would do with each step: from the journal alone, or (live) after its reads.
async function rollbackDecisions(
  prepared: Prepared | undefined,
  state: RunState,
  store: RunStore,
  catalog: ActionCatalog | undefined,
  live: LivePreview | undefined,
): Promise<Map<string, RollbackDecision> | undefined> {
  const started = state.started;
  if (!prepared?.ok || !started || !catalog) return undefined;
  const units = unwindNow(state, buildProgram(prepared.runbook)).flatMap((b) => b.units);
  if (units.length === 0) return undefined;
  let bound: ReturnType<typeof bindRun> | undefined;
  if (live) {
    const b = bindDocument(
      prepared,
      { cli: new Map(), recorded: started.params },
      { env: live.env, catalog, say: live.say },
    );
    if (!b) return undefined;
    bound = b.bound;
  } else {
    // Conditions read params and outputs, never secrets: the journaled params (secrets masked) are enough.
    const secrets = new Set(
      prepared.runbook.params.filter((p) => p.type === "secret").map((p) => p.name.value),
    );
    bound = bindRun(prepared.runbook, started.params as Record<string, JsonValue>, secrets, {}, catalog);
  }
  const decisions = await previewRollback({
    bound,
    catalog,
    state: foldEvents(state.runId, (await store.read(state.runId)).events),
    units,
    ...(live ? { live: { env: live.env, workDir: store.workDir(state.runId), signal: live.signal } } : {}),
  });
  return new Map(decisions.map((d) => [d.key, d]));
}

/** The status report of one run; `stateDir` is repeated in the commands it suggests, as the operator gave it. */
export async function inspectRun(
  store: RunStore,
  runId: string,
  cwd: string,
  catalogs: ActionCatalog | CatalogResolver,
  stateDir?: string,
  live?: LivePreview,
): Promise<StatusReport> {
  const read = await store.read(runId);
  const state = foldEvents(runId, read.events);
  const file = state.started?.runbook.file;
  // Status shows the journal even when the runbook's actions cannot be loaded; only "rollback now" needs them.
  const found = file && typeof catalogs === "function" ? await catalogs(file) : undefined;
  const catalog =
    typeof catalogs !== "function" ? catalogs : found && "catalog" in found ? found.catalog : undefined;
  const prepared = file && catalog ? prepareRunbook(file, cwd, catalog) : undefined;
  const program = prepared?.ok ? buildProgram(prepared.runbook) : undefined;
  const decisions = await rollbackDecisions(prepared, state, store, catalog, live);
  const holders = state.started ? await store.holders(state.started.locks) : [];
  const journalPath = store.journalFile?.(runId);
  return statusReport(state, read, {
    ...(program ? { program } : {}),
    holders,
    standings: await standings(store, holders, state),
    ...(stateDir ? { stateDir } : {}),
    ...(journalPath ? { journalPath } : {}),
    ...(decisions ? { decisions } : {}),
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
