// The one storage interface of the interpreter: journals and target locks, so another backend fits in.
import type { EventBody, LockHolder, LockKey, RunEvent } from "../model/events.js";
import type { JournalRead } from "./journal-file.js";

/**
 * An open journal a run appends to; `flush` makes every appended event durable. A write the store cannot
 * make throws a StoreWriteError (store-error.ts); the journal then ends at its last durable event, still
 * verifies, and takes no more events.
 */
export interface RunJournal {
  append(body: EventBody, at?: Date): RunEvent;
  /** Durable before it returns (or resolves); the driver calls it before every action. */
  flush(): void | Promise<void>;
  close(): void | Promise<void>;
  /** Remove the journal if no event of it is durable (a run that could not even record its start). */
  discard?(): void | Promise<void>;
}

/** A lock that could not be taken, and whether its holder still runs. */
export interface LockConflict {
  holder: LockHolder;
  /** false: the holder's process is gone (a stale lock); "unknown": held from another host. */
  alive: boolean | "unknown";
}

/** The result of taking a run's locks: all of them, or none and who holds them. */
export type LockOutcome =
  | { ok: true; forced: LockHolder[]; reclaimed: LockHolder[] }
  | { ok: false; conflicts: LockConflict[] };

/**
 * Where runs live. The file store keeps JSON-lines journals and lock files under a state directory;
 * a PostgreSQL store would keep journal rows and take advisory locks — the interpreter sees only this.
 */
export interface RunStore {
  /** A human description of where runs are kept (a directory, a database). */
  readonly location: string;
  /** Start a new journal; fails if the run id exists. */
  create(runId: string): Promise<RunJournal>;
  /** Read and verify a run's journal. */
  read(runId: string): Promise<JournalRead>;
  /** Reopen a verified journal to continue it (a torn tail is cut off). */
  reopen(runId: string, read: JournalRead): Promise<RunJournal>;
  /** Every run id, oldest first. */
  list(): Promise<string[]>;
  /** Take every lock or none; `force` takes over locks held by others (the caller journals it). */
  lock(
    keys: readonly LockKey[],
    holder: Omit<LockHolder, "key" | "label">,
    force: boolean,
  ): Promise<LockOutcome>;
  /** Release the locks a run holds. */
  unlock(runId: string, keys: readonly LockKey[]): Promise<void>;
  /** Who holds each of these keys now (for status and refusal messages). */
  holders(keys: readonly LockKey[]): Promise<LockConflict[]>;
  /** A directory the run's actions may write artifacts to. */
  workDir(runId: string): string;
  /** The file a run's journal is kept in, when the store keeps files (people `tail -f` it). */
  journalFile?(runId: string): string;
}
