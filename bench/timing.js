// Small timing helpers shared by the benchmarks: process wall time, medians, in-process rates.
import { spawnSync } from "node:child_process";

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time in ms of one child process run to its end; throws when it fails. */
export function timeProcess(args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  return ms;
}

/** Median wall times of several commands, run interleaved so drift in machine load hits all alike. */
export function compareProcesses(commands, runs = 15, warmup = 2, options = {}) {
  for (let i = 0; i < warmup; i++) for (const args of Object.values(commands)) timeProcess(args, options);
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [k, args] of Object.entries(commands)) times[k].push(timeProcess(args, options));
  }
  return Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
}

/** Mean time in ms of one call of an async `fn`, over about `seconds` after a warm-up. */
export async function timePerCall(fn, seconds = 1, warmup = 5) {
  for (let i = 0; i < warmup; i++) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    await fn();
    n++;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / 1e6 / n;
}
