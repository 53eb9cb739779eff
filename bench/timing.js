// Timing helpers shared by every benchmark, so each figure is taken the same honest way: interleaved, warmed, medians with spread.
import { spawnSync } from "node:child_process";

/** The q-quantile (0..1) of a list, interpolated between neighbours. */
export function quantile(xs, q) {
  if (xs.length === 0) throw new Error("quantile of no samples");
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median of a list of numbers (the middle run resists a neighbour's burst of load better than a mean). */
export function median(xs) {
  return quantile(xs, 0.5);
}

/** The spread printed beside every figure: the interquartile range (25th to 75th percentile) of the samples. */
export function spread(xs) {
  return [quantile(xs, 0.25), quantile(xs, 0.75)];
}

/**
 * A figure's ratio from paired samples taken in the same rounds: the median of the per-round ratios, and their
 * spread, so a burst of load that slows one round shows in the spread instead of moving the figure.
 */
export function pairedRatio(ours, baseline) {
  if (ours.length !== baseline.length) throw new Error("paired samples of different lengths");
  const ratios = ours.map((x, i) => x / baseline[i]);
  return { ours: median(ours), baseline: median(baseline), ratio: median(ratios), spread: spread(ratios) };
}

/** Geometric mean: the average of ratios and rates across unlike workloads. */
export function geomean(xs) {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Wall time in ms of one child process run to its end; throws when it exits other than `expect` (0 unless
 * told), so a broken command is never timed. `args[0]` is the program when `program` is given, else node's args.
 */
export function timeProcess(args, options = {}, { program = process.execPath, expect = 0 } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(program, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28, ...options });
  const ms = msSince(start);
  if (r.status !== expect)
    throw new Error(
      `${program === process.execPath ? "node" : program} ${args.join(" ").slice(0, 200)} exited ${r.status}` +
        ` (expected ${expect}): ${String(r.stderr).trim().slice(-400)}`,
    );
  return ms;
}

/**
 * Wall times of several commands, every sample kept. Each round runs every command once, in an order rotated
 * per round, so a change in machine load hits all of them alike and none always runs first. A command is an
 * argument list for node, or `{ args, options, program, expect, before }` (`before(round)` runs untimed first).
 */
export function compareProcesses(commands, { runs = 15, warmup = 2, options = {} } = {}) {
  const entries = Object.entries(commands).map(([k, c]) => [k, Array.isArray(c) ? { args: c } : c]);
  const once = (c, round) => {
    c.before?.(round);
    const args = typeof c.args === "function" ? c.args(round) : c.args;
    const opts = typeof c.options === "function" ? c.options(round) : c.options;
    return timeProcess(args, { ...options, ...opts }, c);
  };
  for (let i = 0; i < warmup; i++) for (const [, c] of entries) once(c, -1 - i);
  const times = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, c] = entries[(r + j) % entries.length];
      times[k].push(once(c, r));
    }
  }
  return times;
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
 * The rate of each synchronous contender in every one of `rounds` slices of `seconds / rounds`, interleaved:
 * every round measures each contender once, in rotated order. `warmup` untimed slices per contender come first.
 */
export function compareRates(contenders, { seconds = 0.4, rounds = 5, warmup = 1 } = {}) {
  const entries = Object.entries(contenders);
  const slice = seconds / rounds;
  for (let w = 0; w < warmup; w++) for (const [, fn] of entries) ratePerSecond(fn, slice);
  const rates = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, fn] = entries[(r + j) % entries.length];
      rates[k].push(ratePerSecond(fn, slice));
    }
  }
  return rates;
}
