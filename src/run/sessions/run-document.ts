// The runbook a recorded run executes: the file it started from when this machine can read it, else the
// copy the store kept when it started — so a colleague on another machine needs no checkout.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ActionCatalog } from "../../contract/action.js";
import { type Prepared, prepareRunbook, prepareText } from "../bind/prepare.js";
import type { RunEvent } from "../model/events.js";
import type { RunStore } from "../store/run-store.js";

/** The prepared document of a run, the path it was read from (for messages) and the copy the store kept. */
export interface RunDocument {
  prepared: Prepared;
  path: string;
  kept: string | undefined;
}

/** `file` (`--file`), else the recorded file when it exists here, else the store's copy. */
export async function runDocument(
  runId: string,
  started: Extract<RunEvent, { type: "run.started" }>,
  file: string | undefined,
  opts: { store: RunStore; cwd: string; catalog: ActionCatalog },
): Promise<RunDocument> {
  const kept = await opts.store.document(runId);
  const path = file ?? started.runbook.file;
  const onDisk = file !== undefined || existsSync(resolve(opts.cwd, path));
  if (!onDisk && kept !== undefined) {
    return {
      prepared: prepareText(started.runbook.file, kept, opts.catalog),
      path: `${path} (the copy kept in ${opts.store.location})`,
      kept,
    };
  }
  return { prepared: prepareRunbook(path, opts.cwd, opts.catalog), path, kept };
}
