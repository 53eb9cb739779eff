// A fleet of 10,000 targets (issue 17) on the PostgreSQL store: what the fleet controller costs per target
// beside the same runs driven by a bare promise pool at the same concurrency, the store's size per target,
// and `rbx fleet status` (the whole process) on that fleet against a 1 s budget. Each target is a real run
// (startRun, one no-op step, journaled and committed) executed in this process by an executor plugged into
// the controller, so child-process start-up (the local executor's, ~0.2 s of CPU a target) is not what is
// measured; the local executor's per-target figure is measured on a smaller fleet beside it.
// Alone: `npm run build && node bench/fleet-bench.js [--quick]`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres } from "../dist/lab/postgres.js";
import { actions } from "../dist/src/builtins/index.js";
import { catalogOf } from "../dist/src/contract/action.js";
import { T } from "../dist/src/contract/cel-types.js";
import { driveFleet } from "../dist/src/fleet/controller.js";
import { FleetStore, thisController } from "../dist/src/fleet/fleet-store.js";
import { LocalExecutor } from "../dist/src/fleet/local-executor.js";
import { startRun } from "../dist/src/run/sessions/start-run.js";
import { PgRunStore } from "../dist/src/run/store/pg-store.js";
import { standalone } from "./figures.js";
import { trivialRunbook } from "./generate-runbook.js";

/** The figures this file measures, with their targets. */
export const figures = [
  {
    id: "fleet-controller-overhead",
    title: "fleet of 10,000: controller + runs vs the same runs in a bare pool",
    target: { op: "<=", value: 1.5 },
  },
  {
    id: "fleet-store-size",
    title: "fleet of 10,000: store bytes the fleet adds vs its runs' journals",
    target: { op: "<=", value: 1 },
  },
  {
    id: "fleet-status-time",
    title: "rbx fleet status on a fleet of 10,000 (whole process) vs a 1 s budget",
    target: { op: "<=", value: 1 },
  },
  {
    id: "fleet-local-executor",
    title: "local executor: fleet per target (child processes) vs rbx --version",
  },
];

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
// Each run gets a store of its own, as each `rbx run` process has: a slot's store is reused by the next run.
const CONCURRENCY = 16;

/** One in-process run of the trivial runbook, as `rbx run --run-id ID` would do it. */
function runOnce(store, file, dir, runId) {
  return startRun(file, { cli: new Map() }, undefined, {
    store,
    cwd: dir,
    env: {},
    user: "bench",
    catalog,
    runId,
    signal: new AbortController().signal,
    log: { info: silent, warn: silent, progress: silent },
    say: silent,
  });
}

/** Stores for runs, one per slot (a run takes a free one and gives it back when it ends). */
function storeSlots(url, dir, n) {
  const free = Array.from({ length: n }, () => new PgRunStore(url, { stateDir: dir }));
  const all = [...free];
  return {
    take: () => free.pop() ?? new PgRunStore(url, { stateDir: dir }),
    give: (s) => free.push(s),
    close: () => Promise.all(all.map((s) => s.close())),
  };
}

/** An executor that runs each target's run in this process (the controller reads the outcome from the store). */
function inProcessExecutor(slots, file, dir) {
  return {
    name: "in-process",
    launch: async (spec) => {
      const store = slots.take();
      return {
        handle: `in-process ${spec.runId}`,
        exited: runOnce(store, file, dir, spec.runId).then(
          (r) => {
            slots.give(store);
            return r.exit;
          },
          () => {
            slots.give(store);
            return null;
          },
        ),
      };
    },
    alive: async () => false,
  };
}

async function fleetOf(fleets, id, n, options, leaseMs) {
  const targets = Array.from({ length: n }, (_, i) => ({
    name: `t${String(i).padStart(6, "0")}`,
    canary: false,
    spec: { params: {}, labels: {}, env: {} },
  }));
  return fleets.create(
    { fleetId: id, name: "bench", runbook: "bench", runbookText: "", fleetText: "", options, targets },
    thisController("bench"),
    leaseMs,
  );
}

const optionsFor = (n, concurrency) => ({
  maxConcurrency: String(concurrency),
  maxErrors: "0",
  canary: 0,
  haltsAreErrors: true,
  executor: "in-process",
  approve: [],
  approveAll: false,
  cwd: "/",
  targets: n,
  concurrency,
  errorsAllowed: 0,
});

/** The same runs with no fleet: a promise pool of `concurrency` calling startRun. */
async function barePool(slots, file, dir, prefix, n, concurrency) {
  let next = 0;
  const worker = async () => {
    const store = slots.take();
    while (next < n) {
      const i = next++;
      const r = await runOnce(store, file, dir, `${prefix}.${i}`);
      if (r.exit !== 0) throw new Error(`bare run ${i} ended with exit ${r.exit}`);
    }
    slots.give(store);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function measure({ quick = false, log = () => {} } = {}) {
  const n = quick ? 1000 : 10_000;
  const localN = quick ? 20 : 60;
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-fleet-"));
  const server = await startPostgres({ durable: true });
  const url = server.url(await server.createDatabase("fleetbench"));
  const store = new PgRunStore(url, { stateDir: root });
  const slots = storeSlots(url, root, CONCURRENCY);
  const fleets = new FleetStore(url);
  try {
    const file = join(root, "trivial.rb.yaml");
    writeFileSync(file, trivialRunbook(1, noop.name));
    await store.role();
    // Warm-up, untimed: module loading, JIT, the pools.
    await barePool(slots, file, root, "warm", 200, CONCURRENCY);

    const b0 = process.hrtime.bigint();
    await barePool(slots, file, root, "bare", n, CONCURRENCY);
    const bareMs = Number(process.hrtime.bigint() - b0) / 1e6;
    const sizesBefore = await fleets.sizes();

    const f0 = process.hrtime.bigint();
    const token = await fleetOf(fleets, "big", n, optionsFor(n, CONCURRENCY), 30_000);
    const outcome = await driveFleet({
      fleets,
      runs: store,
      executor: inProcessExecutor(slots, file, root),
      fleetId: "big",
      token,
      leaseMs: 30_000,
      options: optionsFor(n, CONCURRENCY),
      runbook: file,
      storeUrl: url,
      stateDir: root,
      env: {},
      say: silent,
      signal: new AbortController().signal,
      pollMs: 50,
    });
    const fleetMs = Number(process.hrtime.bigint() - f0) / 1e6;
    if (outcome.status !== "completed")
      throw new Error(`the bench fleet ended ${outcome.status}: ${outcome.message}`);
    const sizes = await fleets.sizes();
    const fleetBytes = ["fleets", "fleet_targets", "fleet_events"].reduce((s, t) => s + (sizes[t] ?? 0), 0);
    // The fleet's runs alone: the run tables grew by the fleet's n runs (the bare pool's are in sizesBefore).
    const runBytes = ["runs", "documents", "events", "locks"].reduce(
      (s, t) => s + (sizes[t] ?? 0) - (sizesBefore[t] ?? 0),
      0,
    );

    // `rbx fleet status` as people run it: a whole process, five times, the median.
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      execFileSync(
        process.execPath,
        [
          fileURLToPath(new URL("../bin/rbx.js", import.meta.url)),
          "fleet",
          "status",
          "big",
          "--store",
          url,
          "--state-dir",
          root,
        ],
        { stdio: "pipe" },
      );
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const statusMs = times[2];

    // The local executor on a smaller fleet: each target an `rbx run` child process of a built-in-only runbook
    // (one read-only call to a loopback server, so it takes no lock and targets run side by side).
    const http = createServer((_req, res) => res.writeHead(200).end("ok"));
    await new Promise((r) => http.listen(0, "127.0.0.1", r));
    const localFile = join(root, "local.rb.yaml");
    writeFileSync(
      localFile,
      [
        "apiVersion: rbx/v1",
        "kind: Runbook",
        "metadata: { name: bench-local, version: 1.0.0 }",
        `connections: { svc: { kind: http, baseUrl: "http://127.0.0.1:${http.address().port}" } }`,
        "phases:",
        "  - id: all",
        "    steps:",
        "      - { id: call, action: http.check, with: { connection: svc, url: /, expect: { status: 200 } } }",
        "",
      ].join("\n"),
    );
    const local = new LocalExecutor({ ...process.env });
    const localOptions = { ...optionsFor(localN, 8), executor: "local" };
    const lt = await fleetOf(fleets, "local", localN, localOptions, 30_000);
    const l0 = process.hrtime.bigint();
    const lo = await driveFleet({
      fleets,
      runs: store,
      executor: local,
      fleetId: "local",
      token: lt,
      leaseMs: 30_000,
      options: localOptions,
      runbook: localFile,
      storeUrl: url,
      stateDir: root,
      env: {},
      say: silent,
      signal: new AbortController().signal,
      pollMs: 200,
    });
    const localMs = Number(process.hrtime.bigint() - l0) / 1e6;
    http.close();
    if (lo.status !== "completed")
      throw new Error(`the local-executor fleet ended ${lo.status}: ${lo.message}`);
    const v = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      execFileSync(
        process.execPath,
        [fileURLToPath(new URL("../bin/rbx.js", import.meta.url)), "--version"],
        { stdio: "pipe" },
      );
      v.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    v.sort((a, b) => a - b);
    const versionMs = v[2];

    const perTargetMs = (fleetMs - bareMs) / n;
    log(`fleet of ${n} trivial targets, ${CONCURRENCY} at once, in-process runs on PostgreSQL (fsync on)`);
    log(
      `  fleet (controller + runs)  ${(fleetMs / 1000).toFixed(1)} s, ${(fleetMs / n).toFixed(2)} ms/target`,
    );
    log(`  bare pool (runs only)      ${(bareMs / 1000).toFixed(1)} s, ${(bareMs / n).toFixed(2)} ms/target`);
    log(`  controller cost            ${perTargetMs.toFixed(2)} ms/target (wall, at ${CONCURRENCY} at once)`);
    log(
      `  store: fleet tables ${(fleetBytes / 1e6).toFixed(1)} MB (${(fleetBytes / n).toFixed(0)} B/target), its runs ${(runBytes / 1e6).toFixed(1)} MB (${(runBytes / n).toFixed(0)} B/target)`,
    );
    log(
      `  rbx fleet status           median ${statusMs.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")})`,
    );
    log(
      `  local executor             ${localN} targets, 8 at once: ${(localMs / localN).toFixed(0)} ms/target; rbx --version ${versionMs.toFixed(0)} ms`,
    );
    return [
      {
        ...figures[0],
        ours: fleetMs / n,
        baseline: bareMs / n,
        unit: "ms",
        ratio: fleetMs / bareMs,
        note: `${n} targets, ${CONCURRENCY} at once, each a one-step run (startRun, committed journal) in process; controller cost ${perTargetMs.toFixed(2)} ms/target of wall time beyond the bare pool (${(fleetMs / 1000).toFixed(1)} s vs ${(bareMs / 1000).toFixed(1)} s)`,
      },
      {
        ...figures[1],
        ours: fleetBytes / n,
        baseline: runBytes / n,
        unit: "B",
        ratio: fleetBytes / runBytes,
        note: `rbx.fleets + fleet_targets + fleet_events (with indexes) ${(fleetBytes / 1e6).toFixed(1)} MB for ${n} targets; the runs' tables grew ${(runBytes / 1e6).toFixed(1)} MB`,
      },
      {
        ...figures[2],
        ours: statusMs,
        baseline: 1000,
        unit: "ms",
        ratio: statusMs / 1000,
        note: `node bin/rbx.js fleet status on the ${n}-target fleet, median of 5 (${times.map((t) => t.toFixed(0)).join(", ")} ms): counts by state and only the targets that need a person`,
      },
      {
        ...figures[3],
        ours: localMs / localN,
        baseline: versionMs,
        unit: "ms",
        ratio: localMs / localN / versionMs,
        note: `${localN} targets, 8 at once, each \`rbx run\` as a child process (wall per target); the reference is one \`rbx --version\` process`,
      },
    ];
  } finally {
    await fleets.close();
    await slots.close();
    await store.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
