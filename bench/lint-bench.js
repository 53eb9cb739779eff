// `rbx validate` and `rbx lint` of a directory of 1,000 generated ~60-step runbooks, as a user or CI runs them,
// against one process that only parses the same files with the yaml package; and how both scale with size.
// Alone: `npm run build && node bench/lint-bench.js [--quick]`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { standalone } from "./figures.js";
import { generateRunbook } from "./generate-runbook.js";
import { compareProcesses, median, pairedRatio, spread } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));
const floor = fileURLToPath(new URL("./yaml-floor.js", import.meta.url));

/** The figures this file measures, with their targets (issues 7, 9 and 20; the scaling bound is ours, see README). */
export const figures = [
  {
    id: "lint-throughput",
    title: "rbx lint DIR (1,000 runbooks) vs yaml floor per core",
    target: { op: "<=", value: 1.5 },
  },
  {
    id: "validate-throughput",
    title: "rbx validate DIR (1,000 runbooks) vs yaml floor",
    target: { op: "<=", value: 3 },
  },
  {
    id: "validate-scaling",
    title: "validate scaling: ratio to the floor at 120 vs 30 steps",
    target: { op: "<=", value: 1.25 },
  },
  {
    id: "lint-scaling",
    title: "lint scaling: ratio to the floor at 120 vs 30 steps",
    target: { op: "<=", value: 1.25 },
  },
];

/** A directory of `count` distinct runbooks of `steps` steps, numbered from `first`. */
function runbookDir(root, name, count, steps, first) {
  const dir = join(root, name);
  mkdirSync(dir);
  for (let i = 0; i < count; i++)
    writeFileSync(join(dir, `bench-${first + i}.rb.yaml`), generateRunbook(steps, first + i));
  return dir;
}

/**
 * Whole processes in rotated order per round: rbx lint and rbx validate of each directory and the floor
 * process on it. Every generated runbook is lint-clean, so any finding (exit 1) stops the bench. Lint runs
 * on all cores (worker threads); its baseline is the floor's time divided by the cores, what parsing alone
 * would take spread perfectly over them. Validate runs in one thread, against the floor as it is.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  const cores = availableParallelism();
  try {
    const count = quick ? 150 : 1000;
    const rounds = quick ? 2 : 3;
    const main = runbookDir(root, "main", count, 60, 0);
    const small = runbookDir(root, "small", count, 30, 100_000);
    const large = runbookDir(root, "large", count / 4, 120, 200_000);
    const cmd = {};
    for (const [k, dir] of Object.entries({ main, small, large })) {
      cmd[`lint-${k}`] = [rbx, "lint", "--no-config", dir];
      cmd[`validate-${k}`] = [rbx, "validate", "--quiet", dir];
      cmd[`floor-${k}`] = [floor, dir];
    }
    const t = compareProcesses(cmd, { runs: rounds, warmup: 0, options: { cwd: root } });
    const perCore = t["floor-main"].map((x) => x / cores);
    const lint = pairedRatio(t["lint-main"], perCore);
    const validate = pairedRatio(t["validate-main"], t["floor-main"]);
    const scaling = (kind) => {
      const ratios = t[`${kind}-large`].map(
        (x, r) => x / t["floor-large"][r] / (t[`${kind}-small`][r] / t["floor-small"][r]),
      );
      const at = (k) => median(t[`${kind}-${k}`].map((x, r) => x / t[`floor-${k}`][r]));
      return { ours: at("large"), baseline: at("small"), ratio: median(ratios), spread: spread(ratios) };
    };
    log(`${rounds} rounds, every command once per round in rotated order; ${cores} cores`);
    for (const [k, xs] of Object.entries(t))
      log(`  ${k.padEnd(16)} median ${(median(xs) / 1000).toFixed(2)} s`);
    const [lt, vt, vs, ls] = figures;
    return [
      {
        ...lt,
        ...lint,
        unit: "ms",
        note:
          `${count} distinct ~60-step runbooks; rbx lint on ${cores} cores (worker threads) against the floor's ` +
          `single-thread time / ${cores}; scaling: ${count} × 30 vs ${count / 4} × 120 steps`,
      },
      { ...vt, ...validate, unit: "ms" },
      { ...vs, ...scaling("validate"), unit: "× floor" },
      { ...ls, ...scaling("lint"), unit: "× floor" },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
