// A write the run store could not make (a full disk, a read-only mount): where, what for, and how much is safe.
import { systemReason } from "../../diagnostics/system-error.js";

/**
 * The store could not write what a run needs (`doing`: "append to the journal", "take the lock") under `where`
 * (the state directory, or the database a store uses). `durableSeq`, for a journal, is the last event that is
 * on disk: everything up to it verifies, nothing after it was written.
 */
export class StoreWriteError extends Error {
  constructor(
    readonly where: string,
    readonly doing: string,
    cause: unknown,
    readonly durableSeq?: number,
  ) {
    super(`cannot ${doing} in ${where}: ${systemReason(cause)}`, { cause });
    this.name = "StoreWriteError";
  }
}
