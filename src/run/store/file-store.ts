// The file-backed RunStore: `<state>/runs/<id>.jsonl` journals and `<state>/locks/<key>.json` lock files.

import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { isSystemError } from "../../diagnostics/system-error.js";
import type { LockHolder, LockKey } from "../model/events.js";
import { type JournalRead, JournalWriter, readJournalFile } from "./journal-file.js";
import type { LockConflict, LockOutcome, RunJournal, RunStore } from "./run-store.js";
import { StoreWriteError } from "./store-error.js";

/** Is a process alive on this host? Signal 0 probes without touching it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a lock holder still runs: known on this host, unknown elsewhere. */
export function holderAlive(holder: LockHolder): boolean | "unknown" {
  if (holder.host !== hostname()) return "unknown";
  return processAlive(holder.pid);
}

/** Journals and locks in a directory (default `.rbx` in the working directory). */
export class FileRunStore implements RunStore {
  readonly location: string;
  private readonly runsDir: string;
  private readonly locksDir: string;

  constructor(readonly stateDir: string) {
    this.location = stateDir;
    this.runsDir = join(stateDir, "runs");
    this.locksDir = join(stateDir, "locks");
  }

  private journalPath(runId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`invalid run id "${runId}"`);
    return join(this.runsDir, `${runId}.jsonl`);
  }

  async create(runId: string): Promise<RunJournal> {
    const path = this.journalPath(runId);
    return this.writing("create the run's journal", () => {
      mkdirSync(this.runsDir, { recursive: true, mode: 0o700 });
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

  async read(runId: string): Promise<JournalRead> {
    return readJournalFile(this.journalPath(runId));
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

  async lock(
    keys: readonly LockKey[],
    holder: Omit<LockHolder, "key" | "label">,
    force: boolean,
  ): Promise<LockOutcome> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
    const taken: LockKey[] = [];
    const forced: LockHolder[] = [];
    const reclaimed: LockHolder[] = [];
    const conflicts: LockConflict[] = [];
    const fresh: LockKey[] = [];
    try {
      this.takeEach(sorted, holder, force, { taken, fresh, forced, reclaimed, conflicts });
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
    return { ok: true, forced, reclaimed };
  }

  private takeEach(
    sorted: readonly LockKey[],
    holder: Omit<LockHolder, "key" | "label">,
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
    mkdirSync(this.locksDir, { recursive: true, mode: 0o700 });
    for (const k of sorted) {
      const mine: LockHolder = { ...holder, key: k.key, label: k.label };
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
        } catch (err) {
          rmSync(path, { force: true });
          throw err;
        } finally {
          closeSync(fd);
        }
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

  private replace(path: string, holder: LockHolder): void {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  async unlock(runId: string, keys: readonly LockKey[]): Promise<void> {
    for (const k of keys) {
      const current = this.readHolder(k.key);
      if (current && current.runId === runId) rmSync(this.lockPath(k.key), { force: true });
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

  workDir(runId: string): string {
    const dir = join(this.stateDir, "work", runId);
    this.writing("create the run's work directory", () => mkdirSync(dir, { recursive: true, mode: 0o700 }));
    return dir;
  }
}
