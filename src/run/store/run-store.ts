// The one storage interface of the interpreter: journals, target locks with leases and fencing tokens, and
// change notices, so the file store and the PostgreSQL store are interchangeable.
import type { EventBody, LockHolder, LockKey, RunEvent } from "../model/events.js";
import type { JournalRead } from "./journal-file.js";

/**
 * An open journal a run appends to; `flush` makes every appended event durable. A write the store cannot
 * make throws a StoreWriteError (store-error.ts); the journal then ends at its last durable event, still
 * verifies, and takes no more events.
 */
export interface RunJournal {
  append(body: EventBody, at?: Date): RunEvent;
  /**
   * Durable before it returns (or resolves); the driver calls it before every write, and alongside every read
   * (awaited before the read's outcome is recorded), so a call may come while one is in flight. Rejects with
   * `StoreFencedError` when the run lost its locks (or another writer appended first) and with
   * `StoreUnavailableError` when the store cannot be reached: either way nothing more may run.
   */
  flush(): void | Promise<void>;
  close(): void | Promise<void>;
  /** Remove the journal if no event of it is durable (a run that could not even record its start). */
  discard?(): void | Promise<void>;
  /** Events appended but not (yet) durable: what a process that was fenced or lost its store discards. */
  unwritten(): readonly RunEvent[];
}

/** The lock acquisition a journal's appends are fenced by: its keys and fencing token. */
export interface Fence {
  keys: readonly string[];
  token: number;
}

/** A lock that could not be taken, and whether its holder still runs. */
export interface LockConflict {
  holder: LockHolder;
  /**
   * true: its holder runs (a live lease, or a live process on this host); false: its holder process is gone
   * (an expired lease, or a dead process on this host) — a halted, interrupted or crashed run, which the
   * run's journal tells apart; "unknown": held from another host by a store without leases.
   */
  alive: boolean | "unknown";
}

/** The result of taking a run's locks: all of them, or none and who holds them. */
export type LockOutcome =
  | { ok: true; token: number; forced: LockHolder[]; reclaimed: LockHolder[] }
  | { ok: false; conflicts: LockConflict[] };

/** Who takes a lock: the run and the process, and the person (recorded with the lock). */
export type LockRequest = Omit<LockHolder, "key" | "label" | "token" | "expiresAt">;

/** The run lost its locks (another process took them over) or another writer appended first: stop now. */
export class StoreFencedError extends Error {
  override readonly name = "StoreFencedError";
}

/** The store cannot be reached or refused the operation (a server down, a missing grant): nothing was written. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/**
 * Where runs live. The file store keeps JSON-lines journals and lock files under a state directory; the
 * PostgreSQL store keeps journal rows (`(run, seq)` unique) and lock rows with leases and fencing tokens.
 * The interpreter and the sessions see only this.
 */
export interface RunStore {
  /** A human description of where runs are kept (a directory, a database URL without its password). */
  readonly location: string;
  /** How long a lock's lease lasts unless renewed, in ms (0: the store has no leases; PIDs tell liveness). */
  readonly leaseMs: number;
  /** The identity the store authenticated this session as (PostgreSQL's `session_user`), if it has one. */
  role(): Promise<string | undefined>;
  /** Start a new journal, fenced by `fence` when given; fails if the run id exists. */
  create(runId: string, fence?: Fence): Promise<RunJournal>;
  /** Read and verify a run's journal. */
  read(runId: string): Promise<JournalRead>;
  /**
   * The journal's first event alone (a run's run.started), unverified — `read` verifies the whole journal: what
   * a command needs to load the run's runbook before it reads the journal. Undefined when there is none.
   */
  firstEvent(runId: string): Promise<RunEvent | undefined>;
  /** The events after `after` (a follower's next read), verified as continuing the chain it holds. */
  readSince(runId: string, after: { seq: number; hash: string }): Promise<JournalRead>;
  /** Reopen a verified journal to continue it (a torn tail is cut off), fenced by `fence` when given. */
  reopen(runId: string, read: JournalRead, fence?: Fence): Promise<RunJournal>;
  /** Every run id, oldest first. */
  list(): Promise<string[]>;
  /** Whether a run of this id exists (one lookup, where `list` reads every id: a fleet names its runs). */
  has?(runId: string): Promise<boolean>;
  /**
   * Take every lock or none. A lock held by the same run whose holder is gone is reclaimed; `force` takes over
   * locks held by others (the caller journals it). Every acquisition gets a new, larger fencing token.
   */
  lock(keys: readonly LockKey[], holder: LockRequest, force: boolean): Promise<LockOutcome>;
  /** Extend the lease of a run's locks; "lost" when any of them is no longer held with this token. */
  renew(runId: string, keys: readonly LockKey[], token: number): Promise<"renewed" | "lost">;
  /** Whether the run still holds every key with this token (checked before every write action). */
  holds(runId: string, keys: readonly LockKey[], token: number): Promise<boolean>;
  /**
   * The process lets go of a run it stops driving (halted, interrupted) while the run keeps its locks: anyone
   * may resume it at once, and no other run may take its targets without `--force-unlock`.
   */
  leave(runId: string, keys: readonly LockKey[], token: number): Promise<void>;
  /** Release the locks a run holds. */
  unlock(runId: string, keys: readonly LockKey[]): Promise<void>;
  /** Who holds each of these keys now (for status and refusal messages). */
  holders(keys: readonly LockKey[]): Promise<LockConflict[]>;
  /** Keep the runbook text a run started with, so another machine can resume or inspect it. */
  saveDocument(runId: string, text: string): Promise<void>;
  /** The runbook text a run started with, if it was kept. */
  document(runId: string): Promise<string | undefined>;
  /**
   * Call `onChange(runId)` whenever a run has new events, until `signal` aborts; resolves once listening.
   * `onLost` is called if the store stops answering (the watcher then ends).
   */
  watch(
    onChange: (runId: string) => void,
    signal: AbortSignal,
    onLost?: (error: Error) => void,
  ): Promise<void>;
  /** A local directory the run's actions may write artifacts to. */
  workDir(runId: string): string;
  /** The file a run's journal is kept in, when the store keeps files (people `tail -f` it). */
  journalFile?(runId: string): string;
  /** Release connections; the store is not used afterwards. */
  close(): Promise<void>;
}
