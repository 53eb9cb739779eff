// The locks one process holds for a run: the store's lock rows (lease + fencing token) and the targets'
// Leases, renewed well inside their lease while it runs, kept when it halts, checked before every write.
import type { Actor } from "../../contract/approval.js";
import type { LockHolder, LockKey } from "../model/events.js";
import { type RunStore, StoreFencedError } from "../store/run-store.js";
import { describeConflicts } from "./lock-messages.js";
import type { TargetLease } from "./target-leases.js";

/** The default lease when the store has none (the file store): what target Leases are given. */
export const DEFAULT_TARGET_LEASE_MS = 30_000;

/** What taking a run's locks needs. */
export interface TakeLocks {
  store: RunStore;
  keys: readonly LockKey[];
  runId: string;
  actor: Actor;
  startedAt: string;
  force: boolean;
  /** The Leases at the targets (Kubernetes connections), taken after the store's locks. */
  leases: readonly TargetLease[];
  /** Renewal period: a third of the lease. */
  leaseMs: number;
  /** `--state-dir` as the operator gave it, repeated in the commands a refusal suggests. */
  stateDir?: string;
}

/** The locks of a run, held by this process. */
export class HeldLocks {
  private timer: NodeJS.Timeout | undefined;
  private lostReason: string | undefined;
  private renewing: Promise<void> | undefined;

  private constructor(
    private readonly t: TakeLocks,
    readonly token: number,
    readonly forced: readonly LockHolder[],
    readonly reclaimed: readonly LockHolder[],
    /** Target Leases taken over from another run with --force-unlock, described. */
    readonly leasesForced: readonly string[],
    private readonly say: (line: string) => void,
  ) {}

  /** Take the store's locks, then the targets' Leases; all or none. A refusal is said and gives undefined. */
  static async take(t: TakeLocks, say: (line: string) => void): Promise<HeldLocks | undefined> {
    const holder = {
      runId: t.runId,
      pid: process.pid,
      host: t.actor.host,
      startedAt: t.startedAt,
      user: t.actor.user,
      ...(t.actor.role ? { role: t.actor.role } : {}),
    };
    const locked = await t.store.lock(t.keys, holder, t.force);
    if (!locked.ok) {
      for (const line of await describeConflicts(t.store, locked.conflicts, t.stateDir))
        say(`error: ${line}`);
      return undefined;
    }
    const taken: { lease: TargetLease; reclaimed: boolean }[] = [];
    const leasesForced: string[] = [];
    // A refusal gives back what was taken: a run that held its locks before (a resume) keeps them.
    const undo = async () => {
      for (const { lease, reclaimed } of taken) {
        await (reclaimed ? lease.renew("kept after a refused resume") : lease.release()).catch(() => {});
      }
      if (locked.reclaimed.length > 0) await t.store.leave(t.runId, t.keys, locked.token);
      else await t.store.unlock(t.runId, t.keys);
    };
    for (const lease of t.leases) {
      let got: Awaited<ReturnType<TargetLease["acquire"]>>;
      try {
        got = await lease.acquire(t.force);
      } catch (err) {
        await undo();
        throw err;
      }
      if (!got.ok) {
        say(
          `error: ${lease.key.label}: ${got.holder}. Another rbx installation (or another store) is changing this ` +
            "target; wait for that run to finish, or pass --force-unlock to take it over.",
        );
        await undo();
        return undefined;
      }
      taken.push({ lease, reclaimed: got.reclaimed });
      if (got.forced) leasesForced.push(got.forced);
    }
    return new HeldLocks(t, locked.token, locked.forced, locked.reclaimed, leasesForced, say);
  }

  /** The fence the run's journal appends under. */
  get fence(): { keys: string[]; token: number } {
    return { keys: this.t.keys.map((k) => k.key), token: this.token };
  }

  /** Renew the store's lease and the targets' Leases every third of the lease until `stop`. */
  start(): void {
    const every = Math.max(50, Math.floor(this.t.leaseMs / 3));
    this.timer = setInterval(() => {
      if (!this.renewing) this.renewing = this.renew().finally(() => (this.renewing = undefined));
    }, every);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const { store, runId, keys } = this.t;
    try {
      if (store.leaseMs > 0 && (await store.renew(runId, keys, this.token)) === "lost") {
        this.lostReason ??= `its locks in ${store.location} were taken over`;
      }
      for (const lease of this.t.leases) {
        if ((await lease.renew()) === "lost") this.lostReason ??= `${lease.api.where} was taken over`;
      }
    } catch {
      // A store or cluster that does not answer now: the next write action's check (and the journal's next
      // append) says so and stops the run; a blip shorter than the lease changes nothing.
    }
  }

  /**
   * Throws StoreFencedError when this process no longer holds every lock with its token (another run took
   * them over, or another process resumed the run after the lease ran out); store errors propagate.
   */
  async check(): Promise<void> {
    const { store, runId, keys } = this.t;
    if (this.lostReason) throw new StoreFencedError(this.lostReason);
    if (!(await store.holds(runId, keys, this.token))) {
      this.lostReason = `its locks in ${store.location} are no longer held with token ${this.token}`;
      throw new StoreFencedError(this.lostReason);
    }
    for (const lease of this.t.leases) {
      if (!(await lease.held())) {
        this.lostReason = `${lease.api.where} is held by someone else now`;
        throw new StoreFencedError(this.lostReason);
      }
    }
  }

  /** Why this process lost the run's locks, once known. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** The run stopped for the operator: it keeps its locks (the process lets go) and its Leases say halted. */
  async halt(description: string): Promise<void> {
    await this.stop();
    const { store, runId, keys } = this.t;
    await store.leave(runId, keys, this.token);
    for (const lease of this.t.leases) {
      // The run has halted whatever the cluster answers: the Lease still names this run and still holds the
      // target, it only reads as a crashed holder until the run is resumed.
      await lease
        .renew(description)
        .catch((err: Error) =>
          this.say(
            `warning: ${lease.api.where} could not be marked halted (${err.message}); it still holds the target ` +
              "for this run and reads as a crashed holder until the run is resumed",
          ),
        );
    }
  }

  /** The run ended: release the store's locks and the targets' Leases. */
  async release(): Promise<void> {
    await this.stop();
    await this.t.store.unlock(this.t.runId, this.t.keys);
    for (const lease of this.t.leases) {
      // The run is over whatever the cluster answers: an undeleted Lease keeps naming this ended run.
      await lease
        .release()
        .catch((err: Error) =>
          this.say(
            `warning: ${lease.api.where} could not be released (${err.message}); it still names this run: ` +
              "delete the Lease, or let the next run take it over with --force-unlock",
          ),
        );
    }
  }

  /** Stop renewing (the process is leaving the run without releasing anything). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
  }
}
