// Group commit of a controller's target moves: targets that move close together share one fenced transaction.
// A move asked for while a batch is being committed goes in the next batch; a move asked for when none is
// in flight is written at once (no timer, no waiting for company). Each move's promise settles only once its
// batch committed (or was refused), so the controller never acts on a move that is not durable: a batch delays
// a move by at most the one transaction ahead of it, and decisions made from counts see it no later than that.
import type { FleetStore, TargetMove } from "./fleet-store.js";

/** The most moves one transaction carries (a statement's arrays stay small; the next batch follows at once). */
export const MAX_BATCH = 256;

interface Queued {
  move: TargetMove;
  resolve: (moved: boolean) => void;
  reject: (err: unknown) => void;
}

/** One controller's writer of target moves, fenced by its token. */
export class MoveWriter {
  private queue: Queued[] = [];
  private flushing = false;

  constructor(
    private readonly fleets: FleetStore,
    private readonly fleetId: string,
    private readonly token: number,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Move one target (as FleetStore.moveTarget does); resolves once committed: false when it was not in `from`. */
  move(move: TargetMove): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ move, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Moves asked for in the same turn (the slots' starts) go together.
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.next();
        try {
          const moved = await this.fleets.moveTargets(
            this.fleetId,
            this.token,
            batch.map((q) => q.move),
          );
          for (const [i, q] of batch.entries()) q.resolve(moved[i] === true);
        } catch (err) {
          for (const q of batch) q.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The next batch: queued moves in order, each target at most once (a second move of it waits its turn). */
  private next(): Queued[] {
    const names = new Set<string>();
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    for (const q of this.queue) {
      if (batch.length < this.maxBatch && !names.has(q.move.name)) {
        names.add(q.move.name);
        batch.push(q);
      } else rest.push(q);
    }
    this.queue = rest;
    return batch;
  }
}
