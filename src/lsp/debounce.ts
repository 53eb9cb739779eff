// Leading and trailing debounce per key: an edit after a quiet spell is analysed at once; edits that follow
// within the delay are coalesced into one run after the last of them, so a burst is analysed once.
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** When `key` was last asked for, or its last run ended, whichever is later. */
  private readonly lastBusy = new Map<string, number>();

  /** `run` may return a promise: quiet is then counted from its end as well as from the last request. */
  constructor(
    private readonly run: (key: string) => void | Promise<void>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Ask for a run of `key`: at once (next tick) after `delayMs` of quiet, else `delayMs` after this request.
   * An edit the server reads right after a long run was typed during it, not after a quiet spell: it waits.
   */
  schedule(key: string, delayMs: number): void {
    const t = this.now();
    const last = this.lastBusy.get(key);
    this.lastBusy.set(key, t);
    const quiet = last === undefined || t - last >= delayMs;
    if (quiet && !this.timers.has(key)) {
      this.start(key, 0);
      return;
    }
    this.cancel(key);
    this.start(key, delayMs);
  }

  private start(key: string, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const running = this.run(key);
      const ended = () => {
        // A key forgotten meanwhile (its document closed) stays forgotten.
        if (this.lastBusy.has(key)) this.lastBusy.set(key, Math.max(this.lastBusy.get(key) ?? 0, this.now()));
      };
      // The run reports its own failures; here only its end counts.
      if (running) running.then(ended, ended);
    }, ms);
    this.timers.set(key, timer);
  }

  /** Drop a pending run of `key`. */
  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** Drop everything kept for `key` (the document closed). */
  forget(key: string): void {
    this.cancel(key);
    this.lastBusy.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.lastBusy.clear();
  }
}
