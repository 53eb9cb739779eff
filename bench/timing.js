// Timing helpers shared by every benchmark, so each figure is taken the same honest way: interleaved, warmed, medians.
import { spawnSync } from "node:child_process";

/** Median of a list of numbers (the middle run resists a neighbour's burst of load better than a mean). */
export function median(xs) {
  if (xs.length === 0) throw new Error("median of no samples");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Geometric mean: the average of ratios and rates across unlike workloads. */
export function geomean(xs) {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Wall time in ms of one child process run to its end; throws when it fails, so a broken command is never timed. */
export function timeProcess(args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  const ms = msSince(start);
  if (r.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${r.status}: ${String(r.stderr).trim().slice(0, 300)}`);
  return ms;
}

/**
 * Median wall times of several commands. Each round runs every command once, in an order rotated per round,
 * so a change in machine load hits all of them alike and none always runs first.
 */
export function compareProcesses(commands, { runs = 15, warmup = 2, options = {} } = {}) {
  const entries = Object.entries(commands);
  for (let i = 0; i < warmup; i++) for (const [, args] of entries) timeProcess(args, options);
  const times = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, args] = entries[(r + j) % entries.length];
      times[k].push(timeProcess(args, options));
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
}

/** Calls per second of a synchronous `fn`, run in batches of 100 for about `seconds`. */
export function ratePerSecond(fn, seconds) {
  let n = 0;
  const limit = seconds * 1000;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < limit) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = msSince(start);
  }
  return (n * 1000) / elapsed;
}

/**
 * Median rate of each synchronous contender over `rounds` slices of `seconds / rounds`, interleaved: every round
 * measures each contender once, in rotated order. A warm-up slice per contender comes first, untimed.
 */
export function compareRates(contenders, { seconds = 0.4, rounds = 5 } = {}) {
  const entries = Object.entries(contenders);
  for (const [, fn] of entries) ratePerSecond(fn, Math.min(0.05, seconds / rounds));
  const rates = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, fn] = entries[(r + j) % entries.length];
      rates[k].push(ratePerSecond(fn, seconds / rounds));
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([k, xs]) => [k, median(xs)]));
}
