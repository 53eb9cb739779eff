// Per-step overhead of a run on the PostgreSQL store, beside one committed single-row INSERT of the same size on
// the same server, interleaved (target ≤ 2×). The server is a private one with fsync on: durable means committed.
// Alone: `npm run build && node bench/store-bench.js [--quick]`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startPostgres } from "../dist/lab/postgres.js";
import { actions } from "../dist/src/builtins/index.js";
import { catalogOf } from "../dist/src/contract/action.js";
import { T } from "../dist/src/contract/cel-types.js";
import { startRun } from "../dist/src/run/sessions/start-run.js";
import { PgRunStore } from "../dist/src/run/store/pg-store.js";
import { standalone } from "./figures.js";
import { trivialRunbook } from "./generate-runbook.js";
import { median } from "./timing.js";

/** The figure this file measures, with its target (issue 16). */
export const figures = [
  {
    id: "store-step-overhead",
    title: "run per step, PostgreSQL store vs one committed INSERT",
    target: { op: "<=", value: 2 },
  },
];

/** A read action that does nothing: what is left per step is the interpreter and its store. */
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
 * One run of `steps` trivial steps through the real session on the PostgreSQL store (one committed append per
 * step before its action, the lock's lease, no observer). The clock starts at the run's first event and stops
 * when `startRun` returns, so loading the runbook and taking the lock are not counted.
 */
async function storeRound(url, dir, file, steps) {
  const store = new PgRunStore(url, { stateDir: dir });
  try {
    let start;
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
        if (e.type === "run.started") start = process.hrtime.bigint();
      },
    });
    const ns = Number(process.hrtime.bigint() - start);
    if (result.exit !== 0 || !result.runId)
      throw new Error(`the benchmark run ended with exit ${result.exit}`);
    const read = await store.read(result.runId);
    if (read.problems.length > 0 || read.events.length !== steps * 2 + 5)
      throw new Error(
        `the journal of the benchmark run holds ${read.events.length} events or does not verify`,
      );
    const bytes = read.events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
    return { perStepUs: ns / steps / 1000, bytes };
  } finally {
    await store.close();
  }
}

/** The floor: `n` autocommitted single-row INSERTs of a `size`-byte line into a table shaped like the journal's. */
async function floorRound(client, round, n, size) {
  const line = JSON.stringify({ seq: 1, type: "step.succeeded", pad: "x".repeat(Math.max(0, size - 50)) });
  const start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    await client.query("INSERT INTO floor (run_id, seq, line) VALUES ($1, $2, $3)", [`r${round}`, i, line]);
  }
  return {
    perInsertUs: Number(process.hrtime.bigint() - start) / n / 1000,
    lineBytes: Buffer.byteLength(line),
  };
}

/** `rounds` rounds of `steps` steps; each runs the store round and the floor in alternating order; medians compared. */
export async function measure({ quick = false, log = () => {} } = {}) {
  const steps = quick ? 100 : 250;
  const rounds = quick ? 4 : 10;
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-store-"));
  const server = await startPostgres({ durable: true });
  const client = new pg.Client({ connectionString: server.url() });
  try {
    await client.connect();
    await client.query("SET synchronous_commit = on");
    await client.query(
      "CREATE TABLE floor (run_id text NOT NULL, seq integer NOT NULL, line text NOT NULL, PRIMARY KEY (run_id, seq))",
    );
    const file = join(root, `trivial-${steps}.rb.yaml`);
    writeFileSync(file, trivialRunbook(steps, noop.name));
    const dirFor = (name) => {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      return d;
    };
    // Warm-up, untimed: JIT, module loading, the schema migration, the pool.
    const warm = await storeRound(server.url(), dirFor("warm"), file, steps);
    let flushBytes = warm.bytes / (steps + 1);
    await floorRound(client, "warm", 50, flushBytes);
    const ours = [];
    const floor = [];
    let lineBytes = 0;
    for (let r = 0; r < rounds; r++) {
      const doFloor = async () => {
        const f = await floorRound(client, r, steps, flushBytes);
        floor.push(f.perInsertUs);
        lineBytes = f.lineBytes;
      };
      if (r % 2 === 1) await doFloor();
      const s = await storeRound(server.url(), dirFor(`run-${r}`), file, steps);
      ours.push(s.perStepUs);
      // One append per step (before each action) and one at the end.
      flushBytes = s.bytes / (steps + 1);
      if (r % 2 === 0) await doFloor();
    }
    const m = { ours: median(ours), floor: median(floor) };
    const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    log(
      `store: ${rounds} rounds × ${steps} trivial steps on PostgreSQL (fsync on), interleaved with the floor`,
    );
    log(`  per step, wall           median ${m.ours.toFixed(1)} µs (rounds ${range(ours)} µs)`);
    log(
      `  one committed INSERT     median ${m.floor.toFixed(1)} µs (rounds ${range(floor)} µs), ${lineBytes} bytes`,
    );
    log(`  journal bytes per append ${flushBytes.toFixed(0)} (one committed call per step)`);
    return [
      {
        ...figures[0],
        ours: m.ours,
        baseline: m.floor,
        unit: "µs",
        ratio: m.ours / m.floor,
        note:
          `${rounds} × ${steps} trivial steps through startRun on a private PostgreSQL (fsync on, synchronous_commit on); ` +
          `the floor INSERTs ${lineBytes}-byte rows one commit each on the same server, interleaved`,
      },
    ];
  } finally {
    await client.end().catch(() => {});
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
