// The file-backed RunStore: `<state>/runs/<id>.jsonl` journals and `<state>/locks/<key>.json` lock files.

import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { isSystemError } from "../../diagnostics/system-error.js";
import type { LockHolder, LockKey, RunEvent } from "../model/events.js";
import { fsyncDir, fsyncNewDir } from "./durable.js";
import { type JournalRead, JournalWriter, readFirstEvent, readJournalFile } from "./journal-file.js";
import { holderAlive } from "./liveness.js";
import { checkRunId } from "./run-ids.js";
import type { LockConflict, LockOutcome, LockRequest, RunJournal, RunStore } from "./run-store.js";
import { StoreWriteError } from "./store-error.js";

/** How often a watcher looks at the journals' sizes (the file store has no notifications). */
const POLL_MS = 250;

let lastToken = 0;
/** A fencing token: the clock in µs, strictly increasing within a process (the file store has no sequence). */
function nextToken(): number {
  lastToken = Math.max(lastToken + 1, Date.now() * 1000);
  return lastToken;
}

/** Journals and locks in a directory (default `.rbx` in the working directory). */
export class FileRunStore implements RunStore {
  readonly location: string;
  /** No leases: a holder is alive while its process is, which only its own host can tell. */
  readonly leaseMs = 0;
  private readonly runsDir: string;
  private readonly locksDir: string;

  constructor(readonly stateDir: string) {
    this.location = stateDir;
    this.runsDir = join(stateDir, "runs");
    this.locksDir = join(stateDir, "locks");
  }

  private journalPath(runId: string): string {
    checkRunId(runId);
    return join(this.runsDir, `${runId}.jsonl`);
  }

  // Appends are not fenced by the store: a file journal has one writer, and the driver checks `holds` (the
  // lock file still names this run and token) before every write action.
  async create(runId: string): Promise<RunJournal> {
    const path = this.journalPath(runId);
    return this.writing("create the run's journal", () => {
      this.makeDir(this.runsDir);
      return JournalWriter.create(path);
    });
  }

  /** Do a write under the state directory; an error of the system is a StoreWriteError saying where. */
  private writing<T>(doing: string, write: () => T): T {
    try {
      return write();
    } catch (err) {
      throw isSystemError(err) ? new StoreWriteError(this.stateDir, doing, err) : err;
    }
  }

  /** mkdir -p, with every directory it created fsync'd into its parent. */
  private makeDir(dir: string): void {
    const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (created === undefined) return;
    for (let d = dir; d.length >= created.length; d = dirname(d)) fsyncNewDir(d);
  }

  async read(runId: string): Promise<JournalRead> {
    return readJournalFile(this.journalPath(runId));
  }

  async firstEvent(runId: string): Promise<RunEvent | undefined> {
    return readFirstEvent(this.journalPath(runId));
  }

  async readSince(runId: string, after: { seq: number; hash: string }): Promise<JournalRead> {
    const read = readJournalFile(this.journalPath(runId));
    // The event after `after` must chain to it (or, with nothing new, the journal must still end there).
    const hashThere = read.events.length > after.seq ? read.events[after.seq]?.prev : read.lastHash;
    const rewritten = read.events.length < after.seq || hashThere !== after.hash;
    const problems = rewritten
      ? [
          ...read.problems,
          {
            kind: "tampered" as const,
            seq: after.seq,
            message: `event ${after.seq} changed since it was read: the journal was rewritten`,
          },
        ]
      : read.problems;
    return { ...read, events: read.events.slice(after.seq), problems };
  }

  async reopen(runId: string, read: JournalRead): Promise<RunJournal> {
    const path = this.journalPath(runId);
    return this.writing("reopen the run's journal", () => JournalWriter.reopen(path, read));
  }

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = readdirSync(this.runsDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith(".jsonl"))
      .map((n) => n.slice(0, -".jsonl".length))
      .sort();
  }

  private lockPath(key: string): string {
    return join(this.locksDir, `${key.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
  }

  private readHolder(key: string): LockHolder | undefined {
    try {
      return JSON.parse(readFileSync(this.lockPath(key), "utf8")) as LockHolder;
    } catch {
      return undefined;
    }
  }

  async role(): Promise<string | undefined> {
    return undefined;
  }

  async lock(keys: readonly LockKey[], holder: LockRequest, force: boolean): Promise<LockOutcome> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
    const taken: LockKey[] = [];
    const forced: LockHolder[] = [];
    const reclaimed: LockHolder[] = [];
    const conflicts: LockConflict[] = [];
    const fresh: LockKey[] = [];
    const token = nextToken();
    try {
      this.takeEach(sorted, holder, token, force, { taken, fresh, forced, reclaimed, conflicts });
    } catch (err) {
      // A lock file that could not be written (a full disk): release the ones this call created and leave
      // none half-written; a lock taken over from a previous holder stays as it is (it was its lock).
      await this.unlock(holder.runId, fresh);
      throw isSystemError(err) ? new StoreWriteError(this.stateDir, "take the run's lock", err) : err;
    }
    if (conflicts.length > 0) {
      await this.unlock(holder.runId, taken);
      return { ok: false, conflicts };
    }
    return { ok: true, token, forced, reclaimed };
  }

  private takeEach(
    sorted: readonly LockKey[],
    holder: LockRequest,
    token: number,
    force: boolean,
    out: {
      taken: LockKey[];
      fresh: LockKey[];
      forced: LockHolder[];
      reclaimed: LockHolder[];
      conflicts: LockConflict[];
    },
  ): void {
    const { taken, fresh, forced, reclaimed, conflicts } = out;
    this.makeDir(this.locksDir);
    for (const k of sorted) {
      const mine: LockHolder = { ...holder, key: k.key, label: k.label, token };
      const path = this.lockPath(k.key);
      let fd: number | undefined;
      try {
        fd = openSync(path, "wx", 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      if (fd !== undefined) {
        try {
          writeFileSync(fd, `${JSON.stringify(mine)}\n`);
          fsyncSync(fd);
        } catch (err) {
          rmSync(path, { force: true });
          throw err;
        } finally {
          closeSync(fd);
        }
        fsyncDir(this.locksDir);
        taken.push(k);
        fresh.push(k);
        continue;
      }
      const current = this.readHolder(k.key);
      const alive = current ? holderAlive(current) : false;
      // The same run continuing after its process died (or from this very process, once it stopped).
      const ownDeadRun =
        current !== undefined &&
        current.runId === holder.runId &&
        (alive === false || (current.pid === process.pid && current.host === holder.host));
      if (current === undefined || ownDeadRun || force) {
        this.replace(path, mine);
        taken.push(k);
        if (current && ownDeadRun) reclaimed.push(current);
        else if (current) forced.push(current);
        continue;
      }
      conflicts.push({ holder: current, alive });
    }
  }

  async holds(runId: string, keys: readonly LockKey[], token: number): Promise<boolean> {
    return keys.every((k) => {
      const h = this.readHolder(k.key);
      return h?.runId === runId && h.token === token;
    });
  }

  async renew(runId: string, keys: readonly LockKey[], token: number): Promise<"renewed" | "lost"> {
    return (await this.holds(runId, keys, token)) ? "renewed" : "lost";
  }

  /** Nothing to do: the lock file stays, and the holder's process ending is what others see. */
  async leave(): Promise<void> {}

  private replace(path: string, holder: LockHolder): void {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      const fd = openSync(tmp, "w", 0o600);
      try {
        writeFileSync(fd, `${JSON.stringify(holder)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    fsyncDir(this.locksDir);
  }

  async unlock(runId: string, keys: readonly LockKey[]): Promise<void> {
    for (const k of keys) {
      const current = this.readHolder(k.key);
      if (current && current.runId === runId) {
        rmSync(this.lockPath(k.key), { force: true });
        fsyncDir(this.locksDir);
      }
    }
  }

  async holders(keys: readonly LockKey[]): Promise<LockConflict[]> {
    const out: LockConflict[] = [];
    for (const k of keys) {
      const h = this.readHolder(k.key);
      if (h) out.push({ holder: h, alive: holderAlive(h) });
    }
    return out;
  }

  journalFile(runId: string): string {
    return this.journalPath(runId);
  }

  async has(runId: string): Promise<boolean> {
    return existsSync(this.journalPath(runId));
  }

  /** The copy of the runbook a run started with, beside its work files. */
  private documentPath(runId: string): string {
    this.journalPath(runId);
    return join(this.stateDir, "work", runId, "runbook.rb.yaml");
  }

  async saveDocument(runId: string, text: string): Promise<void> {
    const path = join(this.workDir(runId), "runbook.rb.yaml");
    this.writing("keep the run's runbook", () => writeFileSync(path, text, { mode: 0o600 }));
  }

  async document(runId: string): Promise<string | undefined> {
    const path = this.documentPath(runId);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  }

  /** Polls the journals' sizes (a file store has no notifications); bounded by `signal`. */
  async watch(onChange: (runId: string) => void, signal: AbortSignal): Promise<void> {
    const sizes = new Map<string, number>();
    const look = (announce: boolean) => {
      let names: string[] = [];
      try {
        names = readdirSync(this.runsDir).filter((n) => n.endsWith(".jsonl"));
      } catch {
        return;
      }
      for (const name of names) {
        let size = 0;
        try {
          size = statSync(join(this.runsDir, name)).size;
        } catch {
          continue;
        }
        const runId = name.slice(0, -".jsonl".length);
        if (sizes.get(runId) !== size) {
          sizes.set(runId, size);
          if (announce) onChange(runId);
        }
      }
    };
    look(false);
    const timer = setInterval(() => look(true), POLL_MS);
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }

  /** A journal's exact lines (the hash chain is over their text), the first `count` of them. */
  journalLines(runId: string, count: number): string[] {
    return readFileSync(this.journalPath(runId), "utf8").split("\n").slice(0, count);
  }

  /** The lock files naming a run. */
  locksOf(runId: string): LockHolder[] {
    let names: string[];
    try {
      names = readdirSync(this.locksDir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const out: LockHolder[] = [];
    for (const n of names) {
      try {
        const h = JSON.parse(readFileSync(join(this.locksDir, n), "utf8")) as LockHolder;
        if (h.runId === runId) out.push(h);
      } catch {
        // A lock file being replaced right now: not this run's.
      }
    }
    return out;
  }

  /**
   * After a run moved to another store: its journal is renamed `<id>.jsonl.imported` (kept as evidence, no
   * longer listed, so it cannot be resumed here too) and its lock files removed (the locks moved with it).
   */
  retire(runId: string, locks: readonly LockHolder[]): void {
    const path = this.journalPath(runId);
    renameSync(path, `${path}.imported`);
    if (existsSync(`${path}.head`)) renameSync(`${path}.head`, `${path}.imported.head`);
    for (const h of locks) rmSync(this.lockPath(h.key), { force: true });
  }

  workDir(runId: string): string {
    const dir = join(this.stateDir, "work", runId);
    this.writing("create the run's work directory", () => mkdirSync(dir, { recursive: true, mode: 0o700 }));
    return dir;
  }

  async close(): Promise<void> {}
}
