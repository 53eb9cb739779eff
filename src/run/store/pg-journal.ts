// One run's journal in the PostgreSQL store: events chained in memory, written as one committed batch per flush.
import type { EventBody, RunEvent } from "../model/events.js";
import { chainEvent, crashHooks } from "./journal-file.js";
import type { Fence, RunJournal } from "./run-store.js";

/** Where a journal's batches go: the store's append of one batch in one round trip. */
export interface BatchWriter {
  appendBatch(
    runId: string,
    first: number,
    batch: { type: string; line: string; hash: string }[],
    fence: Fence | undefined,
  ): Promise<void>;
}

/**
 * One run's journal in the store: `append` chains events in memory, `flush` writes the batch in one committed
 * call. A rejected flush (fenced, unreachable) leaves the batch unwritten and the journal closed to appends.
 */
export class PgJournal implements RunJournal {
  private pending: { event: RunEvent; type: string; line: string; hash: string }[] = [];
  private last: { seq: number; hash: string };
  private broken: Error | undefined;
  private closed = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly hooks = crashHooks(process.env);

  constructor(
    private readonly store: BatchWriter,
    private readonly runId: string,
    start: { seq: number; hash: string },
    private readonly fence: Fence | undefined,
  ) {
    this.last = start;
  }

  append(body: EventBody, at?: Date): RunEvent {
    if (this.closed) throw new Error("journal is closed");
    const { event, line, hash } = chainEvent(this.last, body, at);
    this.last = { seq: event.seq, hash };
    this.pending.push({ event, type: event.type, line, hash });
    return event;
  }

  /** Batches are written one after another: a flush called while one is in flight writes what came after it. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writePending());
    this.writing = next.catch(() => {});
    return next;
  }

  private async writePending(): Promise<void> {
    if (this.broken) throw this.broken;
    if (this.pending.length === 0) return;
    let batch = this.pending.slice();
    const { after } = this.hooks;
    const crash = after !== undefined && batch.some((b) => b.event.seq === after);
    if (crash) batch = batch.filter((b) => b.event.seq <= (after as number));
    try {
      await this.store.appendBatch(this.runId, batch[0]?.event.seq as number, batch, this.fence);
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
    if (crash) process.kill(process.pid, "SIGKILL");
    this.pending = this.pending.slice(batch.length);
  }

  unwritten(): readonly RunEvent[] {
    return this.pending.map((p) => p.event);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.broken) await this.flush();
    } finally {
      this.closed = true;
    }
  }
}
