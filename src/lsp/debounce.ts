// Leading and trailing debounce per key: an edit after a quiet spell is analysed at once; edits that follow
// within the delay are coalesced into one run after the last of them, so a burst is analysed once.
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastAsked = new Map<string, number>();

  constructor(
    private readonly run: (key: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Ask for a run of `key`: at once (next tick) after `delayMs` of quiet, else `delayMs` after this request. */
  schedule(key: string, delayMs: number): void {
    const t = this.now();
    const last = this.lastAsked.get(key);
    this.lastAsked.set(key, t);
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
      this.run(key);
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
    this.lastAsked.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.lastAsked.clear();
  }
}
