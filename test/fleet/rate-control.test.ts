// Rate control's one rule, driven through whole fleets in a deterministic simulation: SSM's examples hold.
import { describe, expect, it } from "vitest";
import { concurrencyFor, decide, errorsAllowedFor, parseRate } from "../../src/fleet/rate-control.js";

const rate = (t: string) => {
  const r = parseRate("--x", t);
  if ("error" in r) throw new Error(r.error);
  return r;
};

/**
 * Run a fleet of `n` targets where `fails` (1-based) fail; each started target finishes after `duration(i)`
 * ticks. Returns the order targets started in, the peak concurrency, and how the fleet ended.
 */
function simulate(
  n: number,
  fails: number[],
  limits: { maxConcurrency: number; maxErrors: number },
  canary = 0,
  duration = (_i: number) => 1,
) {
  const pending = Array.from({ length: n }, (_, i) => i + 1);
  const running = new Map<number, number>();
  const started: number[] = [];
  let errors = 0;
  let canaryUnfinished = canary;
  let peak = 0;
  for (let tick = 0; tick < 10_000; tick++) {
    for (const [t, end] of [...running]) {
      if (end > tick) continue;
      running.delete(t);
      if (fails.includes(t)) errors++;
      if (t <= canary) canaryUnfinished--;
    }
    for (;;) {
      const d = decide(
        {
          running: running.size,
          errors,
          canaryUnfinished,
          canaryPending: pending.filter((t) => t <= canary).length,
          restPending: pending.filter((t) => t > canary).length,
        },
        limits,
      );
      if (d.kind === "start") {
        for (let k = 0; k < d.canary + d.rest; k++) {
          const t = pending.shift() as number;
          started.push(t);
          running.set(t, tick + duration(t));
        }
        peak = Math.max(peak, running.size);
        continue;
      }
      if (d.kind === "halt" || d.kind === "done") return { started, peak, end: d.kind, errors };
      break;
    }
  }
  throw new Error("the simulation did not end");
}

describe("rate control", () => {
  it("parses counts and percentages, and refuses anything else", () => {
    expect(parseRate("--max-errors", "3")).toEqual({ text: "3", count: 3 });
    expect(parseRate("--max-errors", "10%")).toEqual({ text: "10%", percent: 10 });
    expect(parseRate("--max-errors", "ten")).toEqual({
      error: expect.stringContaining("a number or a percentage"),
    });
    expect(parseRate("--max-errors", "150%")).toEqual({ error: expect.stringContaining("at most 100%") });
  });

  it("resolves percentages as SSM does: 10% of 50 tolerates 5 errors; concurrency rounds up, at least 1", () => {
    expect(errorsAllowedFor(rate("10%"), 50)).toBe(5);
    expect(errorsAllowedFor(rate("3"), 50)).toBe(3);
    expect(concurrencyFor(rate("10%"), 25)).toBe(3);
    expect(concurrencyFor(rate("1%"), 5)).toBe(1);
    expect(concurrencyFor(rate("0"), 5)).toBe(1);
  });

  it("max-errors 3 stops starting at the fourth error; with concurrency 1 exactly that many ran", () => {
    const r = simulate(20, [2, 4, 6, 8, 10], { maxConcurrency: 1, maxErrors: 3 });
    expect(r.end).toBe("halt");
    expect(r.started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.errors).toBe(4);
  });

  it("max-errors 0 stops at the first error; running targets finish (and may fail too)", () => {
    const r = simulate(10, [1, 2], { maxConcurrency: 3, maxErrors: 0 });
    expect(r.end).toBe("halt");
    expect(r.started).toEqual([1, 2, 3]);
    expect(r.errors).toBe(2);
  });

  it("never exceeds max-concurrency and completes a healthy fleet", () => {
    const r = simulate(50, [], { maxConcurrency: 4, maxErrors: 0 }, 0, (i) => 1 + (i % 3));
    expect(r.end).toBe("done");
    expect(r.peak).toBe(4);
    expect(r.started).toHaveLength(50);
  });

  it("a fleet of 20, concurrency 4, three faulty targets, max-errors 2: the third failure stops new starts", () => {
    // Faulty 3, 7, 12; each target takes one tick: waves of four as slots free up together.
    const r = simulate(20, [3, 7, 12], { maxConcurrency: 4, maxErrors: 2 });
    expect(r.end).toBe("halt");
    expect(r.started).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("runs the canary wave first and starts the rest only once it finished within the error budget", () => {
    const ok = simulate(10, [], { maxConcurrency: 4, maxErrors: 0 }, 2, (i) => (i <= 2 ? 3 : 1));
    expect(ok.started.slice(0, 2)).toEqual([1, 2]);
    expect(ok.end).toBe("done");
    const bad = simulate(10, [1], { maxConcurrency: 4, maxErrors: 0 }, 2);
    expect(bad.started).toEqual([1, 2]);
    expect(bad.end).toBe("halt");
  });
});
