// Interpreter overhead per step with the run's real fsync'd journal, beside one raw fsync'd append of the same size, interleaved (target ≤ 2×).
// Alone: `npm run build && node bench/interpreter-bench.js [--quick]`.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { actions } from "../dist/src/builtins/index.js";
import { catalogOf } from "../dist/src/contract/action.js";
import { T } from "../dist/src/contract/cel-types.js";
import { startRun } from "../dist/src/run/sessions/start-run.js";
import { FileRunStore } from "../dist/src/run/store/file-store.js";
import { standalone } from "./figures.js";
import { trivialRunbook } from "./generate-runbook.js";
import { median } from "./timing.js";

/** The figure this file measures, with its target (issues 4 and 9). */
export const figures = [
  {
    id: "step-overhead",
    title: "interpreter per step (fsync on) vs one fsync'd append",
    target: { op: "<=", value: 2 },
  },
];

/** A read action that does nothing: what is left per step is the interpreter and its journal. */
const noop = {
  name: "bench.noop",
  effect: "read",
  summary: "Does nothing; for the benchmark.",
  input: { type: "object", additionalProperties: false, properties: {} },
  output: T.object("bench.noop.output", { ok: T.bool }),
  plan: () => [],
  run: async () => ({ ok: true }),
};
const catalog = catalogOf([...actions, noop]);
const silent = () => {};

/**
 * One run of `steps` trivial steps through the real session (`startRun`: file store, hash-chained journal fsync'd
 * before every action, run scope, no observer so no terminal output). The clock starts when the run's first event
 * is recorded and stops when `startRun` returns, so loading and checking the runbook are not counted.
 */
async function interpreterRound(dir, file, steps) {
  const store = new FileRunStore(dir);
  let start;
  let cpuStart;
  const result = await startRun(file, { cli: new Map() }, undefined, {
    store,
    cwd: dir,
    env: {},
    user: "bench",
    catalog,
    signal: new AbortController().signal,
    log: { info: silent, warn: silent, progress: silent },
    say: silent,
    onEvent: (e) => {
      if (e.type === "run.started") {
        start = process.hrtime.bigint();
        cpuStart = process.cpuUsage();
      }
    },
  });
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  if (result.exit !== 0 || !result.runId) throw new Error(`the benchmark run ended with exit ${result.exit}`);
  const read = await store.read(result.runId);
  // run.started, guards.passed, phase.entered, started + succeeded per step, phase.completed, run.completed
  if (read.problems.length > 0 || read.events.length !== steps * 2 + 5)
    throw new Error(`the journal of the benchmark run holds ${read.events.length} events or does not verify`);
  const bytes = statSync(join(dir, "runs", `${result.runId}.jsonl`)).size;
  return { perStepUs: ns / steps / 1000, cpuPerStepUs: (cpu.user + cpu.system) / steps, bytes };
}

/** The floor: `n` appends of a `size`-byte JSON line to a fresh 0600 file, each followed by fsync. */
function floorRound(dir, n, size) {
  const body = JSON.stringify({
    seq: 1,
    type: "step.succeeded",
    step: "s1",
    attempt: 1,
    output: { ok: true },
  });
  const line = Buffer.from(
    `${body.slice(0, -1)},"pad":"${"x".repeat(Math.max(0, size - body.length - 10))}"}\n`,
  );
  const fd = openSync(join(dir, "floor.jsonl"), "a", 0o600);
  try {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      writeSync(fd, line);
      fsyncSync(fd);
    }
    return { perAppendUs: Number(process.hrtime.bigint() - start) / n / 1000, lineBytes: line.length };
  } finally {
    closeSync(fd);
  }
}

/**
 * `rounds` rounds of `steps` steps (10,000 steps in all by default). Each round runs the interpreter and the
 * floor, in alternating order; the floor writes as many bytes per fsync as the interpreter's journal did per
 * flush in the previous round. Medians over rounds are compared.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const steps = quick ? 250 : 500;
  const rounds = quick ? 8 : 20;
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(root, `trivial-${steps}.rb.yaml`);
    writeFileSync(file, trivialRunbook(steps, noop.name));
    const dirFor = (name) => {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      return d;
    };
    // Warm-up round, untimed: JIT, module loading, the first journal's directories.
    const warm = await interpreterRound(dirFor("warm"), file, steps);
    let flushBytes = warm.bytes / (steps + 1);
    floorRound(dirFor("warm-floor"), 50, flushBytes);
    const ours = [];
    const cpu = [];
    const floor = [];
    let lineBytes = 0;
    for (let r = 0; r < rounds; r++) {
      const doFloor = () => {
        const f = floorRound(dirFor(`floor-${r}`), steps, flushBytes);
        floor.push(f.perAppendUs);
        lineBytes = f.lineBytes;
      };
      if (r % 2 === 1) doFloor();
      const i = await interpreterRound(dirFor(`run-${r}`), file, steps);
      ours.push(i.perStepUs);
      cpu.push(i.cpuPerStepUs);
      // The journal flushes once per step (before each action) and once at the end.
      flushBytes = i.bytes / (steps + 1);
      if (r % 2 === 0) doFloor();
    }
    const m = { ours: median(ours), floor: median(floor), cpu: median(cpu) };
    const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    log(
      `interpreter: ${rounds} rounds × ${steps} trivial steps (${rounds * steps} in all), interleaved with the floor`,
    );
    log(`  per step, wall           median ${m.ours.toFixed(1)} µs (rounds ${range(ours)} µs)`);
    log(`  per step, CPU            median ${m.cpu.toFixed(1)} µs (user + system of this process)`);
    log(
      `  one fsync'd append       median ${m.floor.toFixed(1)} µs (rounds ${range(floor)} µs), ${lineBytes} bytes`,
    );
    log(`  journal bytes per flush  ${flushBytes.toFixed(0)} (one flush = one fsync per step)`);
    return [
      {
        ...figures[0],
        ours: m.ours,
        baseline: m.floor,
        unit: "µs",
        ratio: m.ours / m.floor,
        note: `${rounds} × ${steps} trivial steps through startRun; the floor appends ${lineBytes}-byte lines, interleaved`,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
