// Group batching for a controller's round trips to the store: what is asked for while a batch is in flight
// goes in the next batch; what is asked for when none is in flight goes at the end of the event loop's turn
// (no timer, no waiting for company). Each request's promise settles only once its batch answered, so a
// caller never acts on a write that is not committed: a batch delays a request by at most the one batch ahead.

/** The most requests one batch carries (a statement's arrays stay small; the next batch follows at once). */
export const MAX_BATCH = 256;

interface Queued<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/** Requests of one kind, answered a batch at a time by `answer` (one result per item, in order). */
export class GroupBatch<I, O> {
  private queue: Queued<I, O>[] = [];
  private flushing = false;

  constructor(
    /** Answers a whole batch in one round trip, or throws for all of it. */
    private readonly answer: (items: I[]) => Promise<O[]>,
    /** Items with the same key never share a batch: the second waits for the next one (keeps their order). */
    private readonly key: (item: I) => string,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Ask for one item; resolves with its answer once its batch was answered. */
  ask(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // What is asked for in the same turn of the event loop goes together: a target's outcome and the
        // start it frees a slot for; the slots' starts. No timer: the batch goes once this turn's work is done.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.next();
        try {
          const out = await this.answer(batch.map((q) => q.item));
          for (const [i, q] of batch.entries()) q.resolve(out[i] as O);
        } catch (err) {
          for (const q of batch) q.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The next batch: queued items in order, each key at most once. */
  private next(): Queued<I, O>[] {
    const keys = new Set<string>();
    const batch: Queued<I, O>[] = [];
    const rest: Queued<I, O>[] = [];
    for (const q of this.queue) {
      const k = this.key(q.item);
      if (batch.length < this.maxBatch && !keys.has(k)) {
        keys.add(k);
        batch.push(q);
      } else rest.push(q);
    }
    this.queue = rest;
    return batch;
  }
}
