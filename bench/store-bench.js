// Per-step overhead of `rbx run` on the PostgreSQL store, as a user runs it (`rbx run --store URL`, whole
// processes), beside one committed single-row INSERT of the same size on the same server (target ≤ 2×). The
// server is a private one with fsync on: durable means committed. Alone: `npm run build && node bench/store-bench.js [--quick]`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startPostgres } from "../dist/lab/postgres.js";
import { standalone } from "./figures.js";
import { httpRunbook } from "./generate-runbook.js";
import { startHttpStub } from "./http-stub.js";
import { median, pairedRatio, spread, timeProcess } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));
const floorScript = fileURLToPath(new URL("./step-floor.js", import.meta.url));

/** The figure this file measures, with its target (issue 16). */
export const figures = [
  {
    id: "store-step-overhead",
    title: "run per step, PostgreSQL store vs one committed INSERT",
    target: { op: "<=", value: 2 },
  },
];

/** A run of the store by id: its state and the bytes its journal rows hold. */
async function runById(client, runId) {
  const r = await client.query(
    `SELECT e.run_id, sum(octet_length(e.line))::bigint AS bytes, count(*)::int AS events,
            max(e.type) FILTER (WHERE e.seq = r.head_seq) AS last
       FROM rbx.events e JOIN rbx.runs r USING (run_id)
      WHERE e.run_id = $1
      GROUP BY e.run_id`,
    [runId],
  );
  const row = r.rows[0];
  if (!row) throw new Error("the benchmark run left no journal in the store");
  return { runId: row.run_id, bytes: Number(row.bytes), events: row.events, last: row.last };
}

/** The floor: `n` autocommitted single-row INSERTs of a `size`-byte line into a table shaped like the journal's. */
async function insertFloor(client, round, n, size) {
  const line = JSON.stringify({ seq: 1, type: "step.succeeded", pad: "x".repeat(Math.max(0, size - 50)) });
  const start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    await client.query("INSERT INTO floor (run_id, seq, line) VALUES ($1, $2, $3)", [`r${round}`, i, line]);
  }
  return { insertUs: Number(process.hrtime.bigint() - start) / n / 1000, lineBytes: Buffer.byteLength(line) };
}

/**
 * Each round runs `rbx run --store` of two runbooks of the same `large` http.check steps and an approval step,
 * one halting at the approval after `small` steps and the other after all of them (whole processes, progress
 * on stderr, a fresh state dir each), the GET floor process and the INSERT floor, in rotated order. rbx's cost
 * per step is the difference of the two runs over the difference in steps run (the runbooks are the same size,
 * so start-up, loading, checking, the lock, the schema check and halting cancel out), less one GET as the floor
 * process measures it; the baseline is one committed
 * INSERT of as many bytes as the store's journal took per step in that round. The figure is the median of the
 * per-round ratios, with their spread.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const small = quick ? 30 : 50;
  const large = quick ? 180 : 450;
  const rounds = quick ? 5 : 11;
  const steps = large - small;
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-store-"));
  const server = await startPostgres({ durable: true });
  const stub = await startHttpStub();
  const client = new pg.Client({ connectionString: server.url() });
  try {
    await client.connect();
    await client.query("SET synchronous_commit = on");
    await client.query(
      "CREATE TABLE floor (run_id text NOT NULL, seq integer NOT NULL, line text NOT NULL, PRIMARY KEY (run_id, seq))",
    );
    // Both of `large` steps: one halts at its approval after `small` of them, the other after all.
    const files = Object.fromEntries(
      [small, large].map((n) => {
        const f = join(root, `steps-halt-${n}.rb.yaml`);
        writeFileSync(f, httpRunbook(large, stub.base, { approveAt: n }));
        return [n, f];
      }),
    );
    let runs = 0;
    const runOnce = async (n, tag) => {
      const state = join(root, `state-${tag}`);
      rmSync(state, { recursive: true, force: true });
      // Each run named by the bench: two runs started in the same second are told apart.
      const runId = `bench-${tag}-${++runs}`;
      const ms = timeProcess(
        [rbx, "run", files[n], "--store", server.url(), "--state-dir", state, "--run-id", runId],
        { cwd: root },
        { expect: 3 },
      );
      const run = await runById(client, runId);
      // run.started, guards.passed, phase.entered, two events a step run, approval.requested, run.halted.
      if (run.events !== 2 * n + 5 || run.last !== "run.halted")
        throw new Error(
          `run ${run.runId} holds ${run.events} events, ending ${run.last}; expected ${2 * n + 5} ending run.halted`,
        );
      return { ms, bytes: run.bytes };
    };
    const getFloor = () => {
      const d = join(root, "floor");
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d);
      const r = spawnSync(process.execPath, [floorScript, stub.base, String(steps), "400", d], {
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`step-floor.js failed: ${r.stderr}`);
      return JSON.parse(r.stdout).getUs;
    };
    let bytesPerStep = 420;
    const samples = { perStep: [], get: [], insert: [], overhead: [], bytes: [] };
    // Warm-up, untimed: the schema's first migration, the compile cache, the server's caches.
    await runOnce(small, "warm");
    getFloor();
    await insertFloor(client, "warm", 50, bytesPerStep);
    for (let r = -1; r < rounds; r++) {
      const got = {};
      const order = [
        async () => (got.small = await runOnce(small, "s")),
        async () => (got.large = await runOnce(large, "l")),
        async () => (got.get = getFloor()),
        async () => (got.insert = await insertFloor(client, r, steps, bytesPerStep)),
      ];
      for (let j = 0; j < order.length; j++) await order[(r + 4 + j) % order.length]();
      bytesPerStep = (got.large.bytes - got.small.bytes) / steps;
      if (r < 0) continue; // the first round only learns the journal's bytes per step
      const perStepUs = ((got.large.ms - got.small.ms) * 1000) / steps;
      samples.perStep.push(perStepUs);
      samples.get.push(got.get);
      samples.insert.push(got.insert.insertUs);
      samples.overhead.push(perStepUs - got.get);
      samples.bytes.push(got.insert.lineBytes);
    }
    const p = pairedRatio(samples.overhead, samples.insert);
    const iq = (xs) =>
      spread(xs)
        .map((x) => x.toFixed(0))
        .join("–");
    log(
      `store: ${rounds} rounds of rbx run --store of ${large}-step runbooks halting after ${small} and ${large} http.check steps, rotated with the floors`,
    );
    log(
      `  per step through rbx run   median ${median(samples.perStep).toFixed(0)} µs (IQR ${iq(samples.perStep)})`,
    );
    log(`  one GET (the action's own) median ${median(samples.get).toFixed(0)} µs (IQR ${iq(samples.get)})`);
    log(`  rbx's overhead per step    median ${p.ours.toFixed(0)} µs (IQR ${iq(samples.overhead)})`);
    log(
      `  one committed INSERT       median ${p.baseline.toFixed(0)} µs (IQR ${iq(samples.insert)}), ${samples.bytes.at(-1)} bytes`,
    );
    return [
      {
        ...figures[0],
        ...p,
        unit: "µs",
        note:
          `${rounds} rounds of \`rbx run --store\` of two ${large}-step http.check runbooks against a local server, ` +
          `halting at an approval after ${small} and after ${large} steps (whole processes, a private PostgreSQL ` +
          `with fsync and synchronous_commit on; the same size, so the load cancels); per step = the difference ` +
          `over ${steps} steps run, less one GET (${median(samples.get).toFixed(0)} µs); the floor commits one ` +
          `${samples.bytes.at(-1)}-byte row per INSERT on the same server, as the store commits one append per step`,
      },
    ];
  } finally {
    await client.end().catch(() => {});
    stub.stop();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
