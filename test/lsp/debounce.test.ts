// The language server's debounce: a burst of edits is analysed once, and quiet is counted from the end of a run
// too, so edits the server reads right after a long analysis (typed during it) are coalesced, not run at once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Debouncer } from "../../src/lsp/debounce.js";

describe("Debouncer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs an edit after a quiet spell at once and a burst once, after its last edit", async () => {
    const runs: string[] = [];
    const d = new Debouncer(
      (k) => void runs.push(k),
      () => Date.now(),
    );
    d.schedule("a", 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a"]);
    for (let i = 0; i < 5; i++) {
      d.schedule("a", 100);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(runs).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual(["a", "a"]);
    await vi.advanceTimersByTimeAsync(1000);
    d.schedule("a", 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a", "a", "a"]);
  });

  it("counts quiet from the end of a long run: an edit read right after it waits the delay", async () => {
    let ends = 0;
    const runs: number[] = [];
    // Each run takes 6 s, longer than the 5 s delay (a cold, loaded server analysing a large runbook).
    const d = new Debouncer(
      () => {
        runs.push(Date.now());
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            ends++;
            resolve();
          }, 6000),
        );
      },
      () => Date.now(),
    );
    const t0 = Date.now();
    d.schedule("a", 5000);
    await vi.advanceTimersByTimeAsync(6000);
    expect(ends).toBe(1);
    // Read 6 s after the last request, but right after the run ended: not quiet.
    d.schedule("a", 5000);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toEqual([t0]);
    d.schedule("a", 5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toEqual([t0, t0 + 6010 + 5000]);
  });

  it("forgets a closed document's key, also when its run ends after", async () => {
    let release = () => {};
    const runs: string[] = [];
    const d = new Debouncer(
      (k) => {
        runs.push(k);
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => Date.now(),
    );
    d.schedule("a", 100);
    await vi.advanceTimersByTimeAsync(0);
    d.forget("a");
    release();
    await vi.advanceTimersByTimeAsync(0);
    // Forgotten: the next open is a quiet spell, run at once.
    d.schedule("a", 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a", "a"]);
  });
});
