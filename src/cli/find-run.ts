// The run a verb names, found one way for status, report, resume, rollback and skip: "no such run" alike in all.
import { FileRunStore } from "../run/store/file-store.js";
import { resolveRunId } from "../run/store/run-ids.js";
import { CliError } from "./cli-error.js";
import type { CliIO } from "./io.js";
import { stateDir } from "./operator.js";

/**
 * The store under `--state-dir` (else RBX_STATE_DIR, else .rbx) and the full id of the run `id` names (an id, a
 * unique prefix, `last`; the newest when undefined). No such run is a CliError: exit 2, the same words for every
 * verb, with where it looked and how to list what is there.
 */
export async function findRun(
  io: CliIO,
  flagStateDir: string | undefined,
  id: string | undefined,
): Promise<{ store: FileRunStore; runId: string }> {
  const store = new FileRunStore(stateDir(io, flagStateDir));
  const found = await resolveRunId(store, id);
  if (typeof found !== "string") throw new CliError(found.error);
  return { store, runId: found };
}
