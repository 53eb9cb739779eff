// Interpreter overhead per step with fsync on, beside the raw cost of one fsync'd append (target ≤ 2×).
// Run after `npm run build`: node bench/interpreter-bench.js [steps]
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actions } from "../dist/builtins/index.js";
import { T } from "../dist/check/types.js";
import { ApprovalBroker } from "../dist/runtime/approvals.js";
import { Driver } from "../dist/runtime/driver.js";
import { FileRunStore } from "../dist/runtime/file-run-store.js";
import { prepareText } from "../dist/runtime/prepare.js";
import { bindRun } from "../dist/runtime/run-setup.js";
import { foldEvents } from "../dist/runtime/state.js";

const STEPS = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));

/** A read action that does nothing: what is left is the interpreter and the journal. */
const nop = {
  name: "bench.nop",
  effect: "read",
  summary: "do nothing",
  input: { type: "object", properties: { n: { type: "integer" } } },
  output: T.object("bench.nop.output", { n: T.int }),
  plan: () => [],
  run: async (_ctx, args) => ({ n: args.n }),
};

// The floor: append one journal-sized line and fsync it, as many times as there are steps.
function fsyncFloor(n) {
  const fd = openSync(join(dir, "floor.jsonl"), "w", 0o600);
  const line = Buffer.from(
    `${JSON.stringify({ seq: 1, at: new Date().toISOString(), prev: "0".repeat(64), type: "step.succeeded", step: "s00001", attempt: 1, output: { n: 1 } })}\n`,
  );
  let pos = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    writeSync(fd, line, 0, line.length, pos);
    pos += line.length;
    fsyncSync(fd);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  closeSync(fd);
  return ns / n / 1000;
}

async function interpreter(n) {
  const steps = Array.from(
    { length: n },
    (_, i) => `      - { id: s${i}, action: bench.nop, with: { n: ${i} } }`,
  ).join("\n");
  const text = `apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: bench, version: 1.0.0 }\nphases:\n  - id: all\n    steps:\n${steps}\n`;
  const catalog = [...actions, nop];
  const prepared = prepareText(join(dir, "bench.rb.yaml"), text, catalog);
  if (!prepared.ok) throw new Error(prepared.message);
  const lookup = (name) => catalog.find((a) => a.name === name);
  const bound = bindRun(prepared.runbook, {}, new Set(), {}, lookup);
  const store = new FileRunStore(join(dir, "state"));
  const journal = await store.create("bench");
  const state = foldEvents("bench", []);
  const driver = new Driver({
    program: bound.program,
    state,
    journal,
    evaluator: bound.evaluator,
    actions: lookup,
    redactor: bound.redactor,
    connections: bound.connections,
    approvals: new ApprovalBroker({ approve: new Set(), approveAll: false, user: "bench" }),
    signal: new AbortController().signal,
    workDir: dir,
    env: {},
    log: { info() {}, warn() {}, progress() {} },
  });
  const t0 = process.hrtime.bigint();
  const status = await driver.run();
  const ns = Number(process.hrtime.bigint() - t0);
  journal.close();
  if (status !== "completed") throw new Error(`the bench run ended ${status}`);
  return ns / n / 1000;
}

try {
  // fsync cost drifts with the disk's state: measure the floor before and after, and use the mean.
  const before = fsyncFloor(STEPS);
  const perStep = await interpreter(STEPS);
  const floor = (before + fsyncFloor(STEPS)) / 2;
  const ratio = perStep / floor;
  process.stdout.write(
    [
      `interpreter: ${STEPS} trivial steps, journal fsync'd before every action`,
      `  one fsync'd append (floor)   ${floor.toFixed(1)} µs`,
      `  interpreter per step         ${perStep.toFixed(1)} µs`,
      `  ratio                        ${ratio.toFixed(2)}× (target ≤ 2×) ${ratio <= 2 ? "ok" : "OVER TARGET"}`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
