// What a step costs through `rbx run` as a user runs it (a real built-in, progress on, journal fsync'd), and
// the memory of run, status, report and resume as runbooks grow to 5,000 steps.
// Alone: `npm run build && node bench/run-bench.js [--quick]`.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { standalone } from "./figures.js";
import { httpRunbook } from "./generate-runbook.js";
import { startHttpStub } from "./http-stub.js";
import { median, pairedRatio, spread, timeProcess } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));
const floorScript = fileURLToPath(new URL("./step-floor.js", import.meta.url));
const probe = fileURLToPath(new URL("./rss-probe.js", import.meta.url));

/** Peak resident set budgets of issue 20. */
const KB_PER_STEP = 5;
const INSPECT_MB = 120;

/** The figures this file measures, with their targets (issue 20). */
export const figures = [
  {
    id: "step-overhead",
    title: "rbx run per-step overhead (http.check, progress, fsync) vs one fsync'd append",
    target: { op: "<=", value: 2 },
  },
  {
    id: "run-memory",
    title: "rbx run peak RSS growth per step, 100 → 5,000 steps, vs 5 KB",
    target: { op: "<=", value: 1 },
  },
  {
    id: "status-memory",
    title: "rbx status of a 5,000-step run: peak RSS vs 120 MB",
    target: { op: "<=", value: 1 },
  },
  {
    id: "report-memory",
    title: "rbx report of a 5,000-step run: peak RSS vs 120 MB",
    target: { op: "<=", value: 1 },
  },
  {
    id: "resume-memory",
    title: "rbx resume of a 5,000-step run: peak RSS vs 120 MB",
    target: { op: "<=", value: 1 },
  },
  {
    id: "yaml-memory-floor",
    title: "reference: yaml floor peak RSS growth per step, 100 → 5,000 steps, vs 5 KB",
    note:
      "reference, no target: a process that only imports the pinned yaml package and parses the same runbooks " +
      "(rbx's options, the heap policy of rbx run): what any YAML-based rbx run pays before its own work",
  },
  {
    id: "yaml-memory-5000",
    title: "reference: yaml floor peak RSS parsing the 5,000-step runbook vs 120 MB",
  },
  {
    id: "step-load",
    title: "reference: rbx run loading a step it does not run vs one fsync'd append",
  },
];

/**
 * Node arguments of the memory floor: import the pinned yaml package and parse the file as rbx does, under the
 * heap policy rbx run uses (src/cli/heap-policy.ts: young generation kept small, memory-saver mode), and nothing more.
 */
function yamlFloor(file) {
  const code = [
    'const v8 = process.getBuiltinModule("node:v8");',
    'v8.setFlagsFromString("--semi-space-growth-factor=1");',
    'v8.setFlagsFromString("--memory-saver-mode");',
    `const { parseDocument } = await import(${JSON.stringify(import.meta.resolve("yaml"))});`,
    'const text = process.getBuiltinModule("node:fs").readFileSync(process.argv[1], "utf8");',
    "parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });",
  ].join("\n");
  return ["--input-type=module", "-e", code, file];
}

/** The run id of the only journal in `stateDir`. */
function onlyRun(stateDir) {
  const ids = readdirSync(join(stateDir, "runs")).filter((f) => f.endsWith(".jsonl"));
  if (ids.length !== 1) throw new Error(`expected one journal in ${stateDir}, found ${ids.length}`);
  return ids[0].slice(0, -".jsonl".length);
}

/** A whole rbx process as a user starts it, its peak RSS in KB read by the probe; throws unless it exits `expect`. */
function peakRss(args, cwd, expect = 0) {
  return peakRssOf([rbx, ...args], cwd, expect);
}

/** The peak RSS in KB of a node process with these arguments (the probe loaded first). */
function peakRssOf(nodeArgs, cwd, expect = 0) {
  const out = join(cwd, `rss-${process.hrtime.bigint()}`);
  const r = spawnSync(process.execPath, ["--import", probe, ...nodeArgs], {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, RBX_BENCH_RSS_FILE: out },
    maxBuffer: 1 << 28,
  });
  if (r.status !== expect)
    throw new Error(
      `rbx ${args.join(" ")} exited ${r.status}, expected ${expect}: ${String(r.stderr).slice(-300)}`,
    );
  return Number(readFileSync(out, "utf8"));
}

/**
 * Per-step overhead: each round runs `rbx run` of two runbooks of the same `large` http.check steps and one
 * approval step — `few` halts at the approval after `small` steps, `all` after every step — and the floor
 * process, in rotated order (whole processes, progress lines on stderr, a fresh state dir each). The two
 * runbooks are the same size, so start-up, loading, checking and halting cancel out, and the difference of
 * the two runs over the difference in steps executed, less the request itself as the floor process measures
 * it, is what a step costs to run; the baseline is one fsync'd append of as many bytes as the journal wrote per
 * step in that round. A third run, `short` (a runbook of only `small` steps, halting at the same place), gives
 * the load's own cost per step beside it (a reference: `rbx validate`'s figures are the load's targets).
 */
function stepOverhead(root, base, { quick, log }) {
  const small = quick ? 50 : 100;
  const large = quick ? 350 : 1100;
  const rounds = quick ? 5 : 11;
  const files = {
    few: httpRunbook(large, base, { approveAt: small }),
    all: httpRunbook(large, base, { approveAt: large }),
    short: httpRunbook(small, base, { approveAt: small }),
  };
  for (const [k, text] of Object.entries(files)) {
    files[k] = join(root, `steps-${k}.rb.yaml`);
    writeFileSync(files[k], text);
  }
  const steps = large - small;
  let bytesPerStep = 700;
  const samples = { perStep: [], get: [], append: [], overhead: [], bytes: [], load: [] };
  const runOnce = (kind, tag) => {
    const state = join(root, `state-${tag}`);
    rmSync(state, { recursive: true, force: true });
    // exit 3: halted at the approval step, as every one of these runs ends.
    const ms = timeProcess([rbx, "run", files[kind], "--state-dir", state], { cwd: root }, { expect: 3 });
    const bytes = statSync(join(state, "runs", `${onlyRun(state)}.jsonl`)).size;
    return { ms, bytes };
  };
  const floorOnce = () => {
    const d = join(root, "floor");
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    const r = spawnSync(
      process.execPath,
      [floorScript, base, String(steps), String(Math.round(bytesPerStep)), d],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`step-floor.js failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  runOnce("few", "warm");
  floorOnce();
  for (let r = -1; r < rounds; r++) {
    const got = {};
    const order = [
      () => (got.few = runOnce("few", "f")),
      () => (got.all = runOnce("all", "a")),
      () => (got.short = runOnce("short", "s")),
      () => (got.floor = floorOnce()),
    ];
    for (let j = 0; j < order.length; j++) order[(r + 4 + j) % order.length]();
    bytesPerStep = (got.all.bytes - got.few.bytes) / steps;
    if (r < 0) continue; // the first round only learns the journal's bytes per step
    const perStepUs = ((got.all.ms - got.few.ms) * 1000) / steps;
    samples.perStep.push(perStepUs);
    samples.get.push(got.floor.getUs);
    samples.append.push(got.floor.appendUs);
    samples.overhead.push(perStepUs - got.floor.getUs);
    samples.bytes.push(got.floor.lineBytes);
    samples.load.push(((got.few.ms - got.short.ms) * 1000) / steps);
  }
  const p = pairedRatio(samples.overhead, samples.append);
  const iq = (xs) =>
    spread(xs)
      .map((x) => x.toFixed(0))
      .join("–");
  log(
    `rbx run: ${rounds} rounds of ${large}-step runbooks halting after ${small} and ${large} http.check steps ` +
      `(and a ${small}-step one), rotated with the floor process`,
  );
  log(
    `  per step through rbx run   median ${median(samples.perStep).toFixed(0)} µs (IQR ${iq(samples.perStep)})`,
  );
  log(`  one GET (the action's own) median ${median(samples.get).toFixed(0)} µs (IQR ${iq(samples.get)})`);
  log(`  rbx's overhead per step    median ${p.ours.toFixed(0)} µs (IQR ${iq(samples.overhead)})`);
  log(
    `  one fsync'd append         median ${p.baseline.toFixed(0)} µs (IQR ${iq(samples.append)}), ${samples.bytes.at(-1)} bytes`,
  );
  log(`  loading, per step loaded   median ${median(samples.load).toFixed(0)} µs (IQR ${iq(samples.load)})`);
  const loadRatios = samples.load.map((x, i) => x / samples.append[i]);
  return [
    {
      ...figures[0],
      ...p,
      unit: "µs",
      note:
        `${rounds} rounds of \`rbx run\` of two ${large}-step http.check runbooks against a local server, one halting ` +
        `at an approval after ${small} steps, the other after all ${large} (whole processes, progress lines on ` +
        `stderr; the same size, so start-up and the runbook's load cancel); per step = the difference over ${steps} ` +
        `steps run, less one GET as node:http sends it (${median(samples.get).toFixed(0)} µs); the floor appends ` +
        `${samples.bytes.at(-1)}-byte lines, one fsync each, as the journal does per step`,
    },
    {
      ...figures.find((f) => f.id === "step-load"),
      ours: median(samples.load),
      baseline: p.baseline,
      ratio: median(loadRatios),
      spread: spread(loadRatios),
      unit: "µs",
      note:
        `reference, no target: \`rbx run\` of the ${large}-step runbook halting after ${small} steps vs a ${small}-step ` +
        "one halting at the same place, per step loaded (read, parse, schema, check, plan): what a step costs " +
        "before it runs, included in the per-step figure until it was measured apart",
    },
  ];
}

/** Peak RSS of rbx run at 100 and 5,000 steps, then of status, report and resume of a halted 5,000-step run. */
function memory(root, base, { quick, log }) {
  const big = 5000;
  const rounds = quick ? 1 : 3;
  const f100 = join(root, "mem-100.rb.yaml");
  const f5000 = join(root, "mem-5000.rb.yaml");
  writeFileSync(f100, httpRunbook(100, base, { approval: true }));
  writeFileSync(f5000, httpRunbook(big, base, { approval: true }));
  const growth = [];
  const floorGrowth = [];
  const floor5000 = [];
  const peaks = { status: [], report: [], resume: [] };
  let halted;
  for (let r = 0; r < rounds; r++) {
    const s100 = join(root, `mem-state-100-${r}`);
    const s5000 = join(root, `mem-state-5000-${r}`);
    // exit 3: halted at the approval step, as a run waiting for its operator is.
    const a = peakRss(["run", f100, "--state-dir", s100], root, 3);
    const b = peakRss(["run", f5000, "--state-dir", s5000], root, 3);
    growth.push((b - a) / (big - 100));
    const fa = peakRssOf(yamlFloor(f100), root);
    const fb = peakRssOf(yamlFloor(f5000), root);
    floorGrowth.push((fb - fa) / (big - 100));
    floor5000.push(fb);
    halted = s5000;
    const id = onlyRun(s5000);
    peaks.status.push(peakRss(["status", id, "--state-dir", s5000], root, 0));
    peaks.report.push(peakRss(["report", id, "--state-dir", s5000], root, 0));
    const copy = join(root, `mem-resume-${r}`);
    cpSync(s5000, copy, { recursive: true });
    peaks.resume.push(peakRss(["resume", id, "--approve", "last", "--state-dir", copy], root, 0));
    log(
      `memory round ${r + 1}: run 100 steps ${(a / 1024).toFixed(0)} MB, 5,000 steps ${(b / 1024).toFixed(0)} MB; status ${(peaks.status.at(-1) / 1024).toFixed(0)} MB, report ${(peaks.report.at(-1) / 1024).toFixed(0)} MB, resume ${(peaks.resume.at(-1) / 1024).toFixed(0)} MB`,
    );
  }
  if (!halted) throw new Error("no memory round ran");
  const budget = (xs, limitKb) => {
    const ratios = xs.map((x) => x / limitKb);
    return { ours: median(xs), baseline: limitKb, ratio: median(ratios), spread: spread(ratios) };
  };
  const [, run, status, report, resume, floorRow, floorBig] = figures;
  const mb = (f) => ({ ...f, ours: f.ours / 1024, baseline: f.baseline / 1024, unit: "MB" });
  return [
    {
      ...run,
      ...budget(growth, KB_PER_STEP),
      unit: "KB/step",
      note: `${rounds} round(s): peak RSS of \`rbx run\` (whole process, progress on) with 5,000 vs 100 http.check steps, each ending at an approval step`,
    },
    mb({ ...status, ...budget(peaks.status, INSPECT_MB * 1024) }),
    mb({ ...report, ...budget(peaks.report, INSPECT_MB * 1024) }),
    mb({
      ...resume,
      ...budget(peaks.resume, INSPECT_MB * 1024),
      note: "resume approves the last step and completes the run",
    }),
    { ...floorRow, ...budget(floorGrowth, KB_PER_STEP), unit: "KB/step" },
    mb({ ...floorBig, ...budget(floor5000, INSPECT_MB * 1024) }),
  ];
}

/** Every figure of this file; the local HTTP server lives for the whole bench. */
export async function measure({ quick = false, log = () => {} } = {}) {
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  const stub = await startHttpStub();
  try {
    return [...stepOverhead(root, stub.base, { quick, log }), ...memory(root, stub.base, { quick, log })];
  } finally {
    stub.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
