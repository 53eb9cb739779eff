// The append-only journal on disk: JSON lines, hash-chained, fsync'd in batches before any write action runs.
import { hash } from "node:crypto";
import {
  closeSync,
  constants,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import type { EventBody, RunEvent } from "../model/events.js";
import { fsyncDir } from "./durable.js";
import { StoreWriteError } from "./store-error.js";

/** The `prev` of the first event: nothing precedes it. */
export const GENESIS = "0".repeat(64);

/** The hash that chains one line to the next: sha256 of the line's exact text (without its newline). */
export function lineHash(line: string): string {
  // One-shot: no Hash object per line (a run hashes two lines a step, a verify every line).
  return hash("sha256", line);
}

/** Something wrong with a journal's integrity, in words an operator can act on. */
export interface IntegrityProblem {
  kind: "tampered" | "truncated" | "unparsable" | "out-of-order";
  seq: number;
  message: string;
}

/** A journal as read back: the events that verify, what was wrong, and a torn tail that was ignored. */
export interface JournalRead {
  events: RunEvent[];
  problems: IntegrityProblem[];
  /** Bytes of an incomplete last line (a crash mid-write); ignored and cut off before the next append. */
  tornBytes: number;
  /** Length of the verified prefix in bytes. */
  validBytes: number;
  lastHash: string;
}

const HEAD_WIDTH = 12;

/** One event chained to the one before it: the event as stored, its exact line (no newline) and its hash. */
export function chainEvent(
  prev: { seq: number; hash: string },
  body: EventBody,
  at: Date = new Date(),
): { event: RunEvent; line: string; hash: string } {
  const event = { seq: prev.seq + 1, at: at.toISOString(), prev: prev.hash, ...body } as RunEvent;
  const line = JSON.stringify(event);
  return { event, line, hash: lineHash(line) };
}

/**
 * Parse and verify a journal's text; `head` is the store's record of the last durable event (the file store's
 * sidecar). `from` continues a verification: the text holds the events after `from.seq`, the first chaining to
 * `from.hash` (a follower reading only new events).
 */
export function verifyJournal(
  data: Buffer | string,
  head?: { seq: number; hash: string },
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): JournalRead {
  // Offsets are bytes: the writer appends at a byte position, and a newline byte never occurs inside a
  // multi-byte UTF-8 character, so lines are found in the bytes and decoded one by one.
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const events: RunEvent[] = [];
  const problems: IntegrityProblem[] = [];
  let pos = 0;
  let lastHash = from.hash;
  const hashes: string[] = [];
  let broken = false;
  while (pos < bytes.length) {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) break;
    const line = bytes.toString("utf8", pos, nl);
    const seq = from.seq + events.length + 1;
    let event: RunEvent | undefined;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch {
      problems.push({
        kind: "unparsable",
        seq,
        message: `line ${seq} is not valid JSON: the journal was edited`,
      });
      broken = true;
      break;
    }
    if (event.seq !== seq) {
      problems.push({
        kind: "out-of-order",
        seq,
        message: `line ${seq} carries seq ${event.seq}: events were removed or reordered`,
      });
      broken = true;
      break;
    }
    if (event.prev !== lastHash) {
      problems.push({
        kind: "tampered",
        seq,
        message: `event ${seq} does not chain to event ${seq - 1}: an earlier line was edited or removed`,
      });
      broken = true;
      break;
    }
    lastHash = lineHash(line);
    hashes.push(lastHash);
    events.push(event);
    pos = nl + 1;
  }
  const tornBytes = broken ? 0 : bytes.length - pos;
  const last = from.seq + events.length;
  if (!broken && head && head.seq > from.seq) {
    if (head.seq > last) {
      problems.push({
        kind: "truncated",
        seq: last,
        message: `the journal ends at event ${last} but event ${head.seq} was written: it was truncated`,
      });
    } else if (hashes[head.seq - from.seq - 1] !== head.hash) {
      problems.push({
        kind: "tampered",
        seq: head.seq,
        message: `event ${head.seq} differs from the one written: the journal was rewritten`,
      });
    }
  }
  return { events, problems, tornBytes, validBytes: pos, lastHash };
}

/** Read a journal file and its head sidecar and verify both. */
export function readJournalFile(path: string): JournalRead {
  return verifyJournal(readFileSync(path), readHead(`${path}.head`));
}

function readHead(path: string): { seq: number; hash: string } | undefined {
  try {
    const text = readFileSync(path, "utf8");
    const seq = Number.parseInt(text.slice(0, HEAD_WIDTH), 10);
    const hash = text.slice(HEAD_WIDTH + 1, HEAD_WIDTH + 65);
    return Number.isFinite(seq) && hash.length === 64 ? { seq, hash } : undefined;
  } catch {
    return undefined;
  }
}

/** Test hooks that make a real process die at a chosen journal boundary (crash tests only). */
export function crashHooks(env: NodeJS.ProcessEnv): { after?: number; torn?: number } {
  const after = env.RBX_TEST_CRASH_AFTER_EVENT ? Number(env.RBX_TEST_CRASH_AFTER_EVENT) : undefined;
  const torn = env.RBX_TEST_TORN_EVENT ? Number(env.RBX_TEST_TORN_EVENT) : undefined;
  return { ...(after ? { after } : {}), ...(torn ? { torn } : {}) };
}

/** Where the journal stands after a batch: its last event and the bytes up to it. */
interface Mark {
  seq: number;
  hash: string;
  bytes: number;
}

/**
 * Appends events to one run's journal. `append` buffers; `flush` writes the batch at once and fsyncs it on
 * libuv's thread pool, resolving when it is on disk: the driver awaits that before any write action starts, and
 * runs a read alongside it (awaited before the read's outcome is recorded), so the disk's wait and the read's
 * overlap. A batch that cannot be written or synced (a full disk) is cut off again, so the file ends at the last
 * durable event and verifies; the flush throws (or rejects with) a StoreWriteError and the writer accepts nothing
 * more.
 */
export class JournalWriter {
  private pending: string[] = [];
  private pendingSeqs: number[] = [];
  private pendingHashes: string[] = [];
  private durable: Mark = { seq: 0, hash: GENESIS, bytes: 0 };
  /** The sync in flight, if any: the batches written before it are durable once it settles. */
  private syncing: Promise<void> | undefined;
  private closed = false;
  private failed: StoreWriteError | undefined;
  private readonly hooks = crashHooks(process.env);

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly headFd: number,
    private seq: number,
    private lastHash: string,
  ) {}

  /** Create a new journal (mode 0600); fails if the file exists. Both names are on disk when it returns. */
  static create(path: string): JournalWriter {
    const fd = openSync(path, "wx", 0o600);
    const headFd = openSync(`${path}.head`, "w", 0o600);
    fsyncDir(dirname(path));
    return new JournalWriter(path, fd, headFd, 0, GENESIS);
  }

  /** Reopen a verified journal for appending, cutting off a torn last line first. */
  static reopen(path: string, read: JournalRead): JournalWriter {
    const fd = openSync(path, "r+", 0o600);
    if (read.tornBytes > 0) {
      ftruncateSync(fd, read.validBytes);
      fsyncSync(fd);
    }
    // Not truncated on open: rewritten in place, the sidecar needs no new space, so a full disk cannot
    // leave it empty (it would then no longer tell a journal cut short from one that ends).
    const headFd = openSync(`${path}.head`, constants.O_RDWR | constants.O_CREAT, 0o600);
    // The head sidecar may have been created just now (a journal copied without it).
    fsyncDir(dirname(path));
    const writer = new JournalWriter(path, fd, headFd, read.events.length, read.lastHash);
    writer.position = read.validBytes;
    writer.durable = { seq: read.events.length, hash: read.lastHash, bytes: read.validBytes };
    writer.written = writer.durable;
    writer.writeHead();
    return writer;
  }

  /** Bytes written, durable or not: where the next batch goes. */
  private position = 0;

  /** Events appended but not yet written. */
  unwritten(): readonly RunEvent[] {
    return this.pending.map((line) => JSON.parse(line) as RunEvent);
  }

  /** The sequence number of the last event appended (durable or not). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The last event on disk: the journal verifies up to it. */
  get durableSeq(): number {
    return this.durable.seq;
  }

  /** Add an event to the batch and return it as stored. Nothing is durable until `flush`. */
  append(body: EventBody, at: Date = new Date()): RunEvent {
    if (this.closed) throw new Error("journal is closed");
    if (this.failed) throw this.failed;
    const { event, line, hash } = chainEvent({ seq: this.seq, hash: this.lastHash }, body, at);
    this.seq = event.seq;
    this.lastHash = hash;
    this.pending.push(`${line}\n`);
    this.pendingSeqs.push(event.seq);
    this.pendingHashes.push(this.lastHash);
    return event;
  }

  /**
   * Write the batch now and fsync it on libuv's thread pool: resolves once every event written so far is on disk
   * (undefined: nothing was waiting to be written or synced). The event loop goes on meanwhile: a read the driver
   * starts alongside sends its request and takes its answer while the disk syncs. A flush called while a sync is
   * in flight writes its batch at once and syncs it after that one.
   */
  flush(): Promise<void> | undefined {
    if (this.failed) throw this.failed;
    if (this.pending.length === 0) return this.syncing;
    if (this.crashHook()) return undefined;
    this.writeBatch();
    const mark = this.written;
    const before = this.syncing;
    this.syncing = before ? before.then(() => this.syncTo(mark)) : this.syncTo(mark);
    return this.syncing;
  }

  /** fsync on the thread pool; then the journal is durable up to `mark`, and the head sidecar says so. */
  private syncTo(mark: Mark): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Closed meanwhile: close() synced the journal itself (or discarded it).
      if (this.closed) return resolve();
      fsync(this.fd, (err) => {
        // Nothing written since: no sync is due any more.
        if (this.written === mark) this.syncing = undefined;
        if (this.closed) return resolve();
        if (this.failed) return reject(this.failed);
        try {
          if (err) this.fail(err);
          if (mark.seq > this.durable.seq) {
            this.durable = mark;
            this.writeHead();
          }
          resolve();
        } catch (failure) {
          reject(failure);
        }
      });
    });
  }

  /** Write the batch and fsync it here, then return: what `close` does. */
  private flushSync(): void {
    if (this.failed) throw this.failed;
    if (this.crashHook()) return;
    if (this.pending.length > 0) this.writeBatch();
    this.sync();
  }

  /** fsync what was written, here; the head sidecar then says how far the journal is durable. */
  private sync(): void {
    if (this.written.seq <= this.durable.seq) return;
    const mark = this.written;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      this.fail(err);
    }
    this.durable = mark;
    this.writeHead();
  }

  /** The test hooks that kill the process at a chosen event (crash tests only); true when one applies. */
  private crashHook(): boolean {
    const { after, torn } = this.hooks;
    if (torn !== undefined && this.pendingSeqs.includes(torn)) {
      this.crashTorn(torn);
      return true;
    }
    if (after !== undefined && this.pendingSeqs.includes(after)) {
      const keep = this.pendingSeqs.indexOf(after) + 1;
      this.pending = this.pending.slice(0, keep);
      this.pendingSeqs = this.pendingSeqs.slice(0, keep);
      this.pendingHashes = this.pendingHashes.slice(0, keep);
      this.writeBatch();
      fsyncSync(this.fd);
      process.kill(process.pid, "SIGKILL");
    }
    return false;
  }

  /** The last batch written (durable or not). */
  private written: Mark = { seq: 0, hash: GENESIS, bytes: 0 };

  /** Write the pending lines at the end of the journal (not yet synced). */
  private writeBatch(): void {
    const data = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join("");
    const buf = Buffer.from(data, "utf8");
    let off = 0;
    try {
      while (off < buf.length) {
        off += writeSync(this.fd, buf, off, buf.length - off, this.position + off);
      }
    } catch (err) {
      this.fail(err);
    }
    this.position += buf.length;
    this.written = {
      seq: this.pendingSeqs.at(-1) as number,
      hash: this.pendingHashes.at(-1) as string,
      bytes: this.position,
    };
    this.pending = [];
    this.pendingSeqs = [];
    this.pendingHashes = [];
  }

  private crashTorn(seq: number): void {
    const idx = this.pendingSeqs.indexOf(seq);
    const whole = this.pending.slice(0, idx).join("");
    const line = this.pending[idx] as string;
    const buf = Buffer.from(whole + line.slice(0, Math.floor(line.length / 2)), "utf8");
    writeSync(this.fd, buf, 0, buf.length, this.position);
    fsyncSync(this.fd);
    process.kill(process.pid, "SIGKILL");
  }

  /**
   * A batch that did not reach the disk: cut off what part of it did (shrinking a file needs no space), so
   * the journal ends at its last durable event and verifies; then refuse every further event.
   */
  private fail(err: unknown): never {
    try {
      ftruncateSync(this.fd, this.durable.bytes);
    } catch {
      // Left as a torn last line, which readers ignore and the next resume cuts off.
    }
    this.position = this.durable.bytes;
    this.written = this.durable;
    this.pending = [];
    this.pendingSeqs = [];
    this.pendingHashes = [];
    this.failed = new StoreWriteError(
      dirname(this.path),
      "append to the run's journal",
      err,
      this.durable.seq,
    );
    throw this.failed;
  }

  // The head sidecar is written after the fsync, so it never runs ahead of the journal; it lets a
  // reader tell a journal cut short after the fact from one that simply ends. One that cannot be written
  // (the first write of a new file on a full disk) only lags behind: readers check the journal up to it.
  private writeHead(): void {
    const line = `${String(this.durable.seq).padStart(HEAD_WIDTH, "0")} ${this.durable.hash}\n`;
    try {
      writeSync(this.headFd, line, 0, "utf8");
    } catch {
      // see above: a lagging head is safe
    }
  }

  /**
   * Write and fsync what is left, then close the files: every event is on disk when it returns. After a failed
   * write only closes them (the error was thrown then).
   */
  close(): void {
    if (this.closed) return;
    if (!this.failed) this.flushSync();
    this.closed = true;
    this.closeFiles();
  }

  /** Close the files, once no sync in flight uses them any more. */
  private closeFiles(): void {
    const close = () => {
      closeSync(this.fd);
      closeSync(this.headFd);
    };
    if (!this.syncing) {
      close();
      return;
    }
    // Closed later, after everything was synced here: an error then has no one left to tell.
    const later = () => {
      try {
        close();
      } catch {}
    };
    this.syncing.then(later, later);
  }

  /** Remove a journal that holds no durable event (a run that could not record its start). */
  discard(): void {
    if (this.durable.seq > 0) return;
    this.closed = true;
    this.closeFiles();
    rmSync(this.path, { force: true });
    rmSync(`${this.path}.head`, { force: true });
  }
}
