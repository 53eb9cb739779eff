// `rbx store import DIR`: move a file store's journals into the PostgreSQL store, each chain verified first.
import { foldEvents } from "../model/state.js";
import type { FileRunStore } from "./file-store.js";
import { holderAlive } from "./liveness.js";
import type { PgRunStore } from "./pg-store.js";

/** What happened to one run. */
export interface ImportOutcome {
  runId: string;
  result: "imported" | "exists" | "does-not-verify" | "running";
  detail: string;
}

/**
 * Import every run of `from` into `to`: a journal that does not verify is left where it is (its problem said);
 * a run whose process still runs is left alone; a run id already in the store is not overwritten. An imported
 * run keeps its locks (now rows in the store) and its runbook; its file journal is renamed `.imported`.
 */
export async function importRuns(from: FileRunStore, to: PgRunStore): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = [];
  for (const runId of await from.list()) {
    const read = await from.read(runId);
    if (read.problems.length > 0) {
      out.push({ runId, result: "does-not-verify", detail: read.problems.map((p) => p.message).join("; ") });
      continue;
    }
    const locks = from.locksOf(runId);
    const live = locks.find((h) => holderAlive(h) === true);
    if (live) {
      out.push({
        runId,
        result: "running",
        detail: `pid ${live.pid} still runs it; import it once it stops`,
      });
      continue;
    }
    const lines = from.journalLines(runId, read.events.length);
    const state = foldEvents(runId, read.events);
    const result = await to.importRun(runId, lines, await from.document(runId), locks);
    if (result === "exists") {
      out.push({ runId, result, detail: `a run ${runId} is already in ${to.location}; left in place` });
      continue;
    }
    from.retire(runId, locks);
    const held = locks.length > 0 ? `, keeping its ${locks.length} lock(s)` : "";
    out.push({ runId, result, detail: `${read.events.length} events, ${state.status}${held}` });
  }
  return out;
}
