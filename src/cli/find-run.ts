// The run a verb names, found one way for status, report, resume, rollback and skip: "no such run" alike in all.
import { resolveRunId } from "../run/store/run-ids.js";
import type { RunStore } from "../run/store/run-store.js";
import { CliError } from "./cli-error.js";

/**
 * The full id of the run `id` names in the chosen store (an id, a unique prefix, `last`; the newest when
 * undefined). No such run is a CliError: exit 2, the same words for every verb, with where it looked and how to
 * list what is there.
 */
export async function findRun(store: RunStore, id: string | undefined): Promise<string> {
  const found = await resolveRunId(store, id);
  if (typeof found !== "string") throw new CliError(found.error);
  return found;
}
