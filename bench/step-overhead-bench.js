// Per-step interpreter overhead with fsync on, beside the raw cost of one fsync'd append measured in the same run.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateRunbook } from "./generate-runbook.js";

/** The cost of one durable journal line: write a line of event size, then fsync, `n` times. */
function fsyncAppendMs(dir, n) {
  const fd = openSync(join(dir, "floor.jsonl"), "a", 0o600);
  const line = Buffer.from(
    `${JSON.stringify({ seq: 1, at: new Date().toISOString(), prev: "0".repeat(64), type: "step.succeeded", step: "step1", attempt: 1, output: { ok: true } })}\n`,
  );
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    writeSync(fd, line);
    fsyncSync(fd);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / n;
  closeSync(fd);
  return ms;
}

/** A trivial action: no I/O, so the time per step is the interpreter's own (decide, journal, fsync). */
async function noopCatalog() {
  const { T } = await import("../dist/check/types.js");
  return [
    {
      name: "bench.noop",
      effect: "read",
      summary: "Does nothing; for the benchmark.",
      input: { type: "object", additionalProperties: false, properties: {} },
      output: T.object("bench.noop.output", { ok: T.bool }),
      plan: () => [{ kind: "note", text: "nothing" }],
      run: async () => ({ ok: true }),
    },
  ];
}

/** Run `steps` trivial steps through the real session (file store, fsync'd journal) and time each step. */
export async function measure({ steps = 2000 } = {}) {
  const { startRun } = await import("../dist/runtime/session.js");
  const { FileRunStore } = await import("../dist/runtime/file-run-store.js");
  const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(dir, `bench-${steps}.rb.yaml`);
    writeFileSync(file, generateRunbook(steps, "bench.noop"));
    const catalog = await noopCatalog();
    const silent = () => {};
    const opts = {
      store: new FileRunStore(join(dir, "state")),
      cwd: dir,
      env: {},
      user: "bench",
      catalog,
      signal: new AbortController().signal,
      log: { info: silent, warn: silent, progress: silent },
      say: silent,
    };
    const start = process.hrtime.bigint();
    const result = await startRun(file, { cli: new Map() }, undefined, opts);
    const perStep = Number(process.hrtime.bigint() - start) / 1e6 / steps;
    if (result.exit !== 0) throw new Error(`the benchmark run ended with exit ${result.exit}, not 0`);
    const floor = fsyncAppendMs(dir, Math.min(steps, 2000));
    return [
      {
        id: "step-overhead",
        title: `interpreter per-step overhead (${steps} steps, fsync on)`,
        ours: `${perStep.toFixed(3)} ms/step`,
        baseline: `${floor.toFixed(3)} ms (one fsync'd append)`,
        ratio: perStep / floor,
        target: { op: "<=", value: 2 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--steps");
  for (const f of await measure(i > 0 ? { steps: Number(process.argv[i + 1]) } : {})) {
    console.log(`${f.title}: ${f.ours} vs ${f.baseline} = ${f.ratio.toFixed(2)}×`);
  }
}
