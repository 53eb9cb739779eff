// Validate and lint throughput against parsing the same YAML alone, over 1,000 generated ~60-step runbooks, and how both scale with runbook size.
// Alone: `npm run build && node bench/lint-bench.js [--quick]`.

import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { builtinCatalog } from "../dist/src/builtins/index.js";
import { checkRunbook } from "../dist/src/check/check-runbook.js";
import { lintSource } from "../dist/src/lint/linter.js";
import { runRules } from "../dist/src/lint/run-rules.js";
import { loadRunbook } from "../dist/src/parser/load.js";
import { standalone } from "./figures.js";
import { generateRunbook } from "./generate-runbook.js";

/** The figures this file measures, with their targets (issues 7 and 9; the scaling bound is ours, see README). */
export const figures = [
  {
    id: "validate-throughput",
    title: "validate vs YAML parse alone (~60-step runbooks)",
    target: { op: "<=", value: 3 },
  },
  {
    id: "lint-throughput",
    title: "lint vs YAML parse alone (~60-step runbooks)",
    target: { op: "<=", value: 3 },
  },
  {
    id: "validate-scaling",
    title: "validate scaling: ratio to parse at 120 vs 30 steps",
    target: { op: "<=", value: 1.25 },
  },
  {
    id: "lint-scaling",
    title: "lint scaling: ratio to parse at 120 vs 30 steps",
    target: { op: "<=", value: 1.25 },
  },
];

/** What `rbx validate` does to one file once it is read: load (YAML, schema, AST), then the checker. */
function validate(file, text) {
  const loaded = loadRunbook(file, text, { catalog: builtinCatalog });
  const diagnostics = [...loaded.diagnostics];
  if (loaded.runbook) diagnostics.push(...checkRunbook(loaded.runbook, builtinCatalog, loaded.source));
  return diagnostics;
}

const ops = {
  parse: (_file, text) => {
    const doc = parseDocument(text);
    return doc.errors;
  },
  validate,
  lint: async (file, text) => (await lintSource(file, text, { catalog: builtinCatalog })).diagnostics,
};
const names = Object.keys(ops);

/**
 * Time parse, validate and lint over distinct runbooks, each `{ steps, n }`, interleaved per runbook in an order
 * rotated per runbook, so all three see the same machine; totals are kept per runbook size. Any diagnostic stops
 * the bench: the workload must be the clean runbook it claims to be.
 */
async function pass(items) {
  const bySize = new Map();
  for (const [i, { steps, n }] of items.entries()) {
    const text = generateRunbook(steps, n);
    const file = `bench-${n}.rb.yaml`;
    let r = bySize.get(steps);
    if (!r) {
      r = { count: 0, steps, bytes: 0, ms: { parse: 0, validate: 0, lint: 0 } };
      bySize.set(steps, r);
    }
    r.count++;
    r.bytes += text.length;
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t0 = performance.now();
      const problems = await ops[name](file, text);
      r.ms[name] += performance.now() - t0;
      if (problems.length > 0)
        throw new Error(
          `${name} found ${problems.length} problem(s) in generated ${file}: ${problems[0].message}`,
        );
    }
  }
  return bySize;
}

/** `count` runbooks of `steps` steps, numbered from `first`. */
const runbooks = (count, steps, first) => Array.from({ length: count }, (_, i) => ({ steps, n: first + i }));

/** Four 30-step runbooks, then one 120-step runbook, and again: both sizes see the same machine over time. */
function mixedSizes(large) {
  const items = [];
  for (let i = 0; i < large; i++)
    items.push(...runbooks(4, 30, 100_000 + i * 4), ...runbooks(1, 120, 200_000 + i));
  return items;
}

function passLine(r) {
  const per = (name) =>
    `${name} ${((r.ms[name] * 1000) / (r.count * r.steps)).toFixed(1).padStart(6)} µs/step`;
  return (
    `${String(r.count).padStart(5)} × ${String(r.steps).padStart(3)} steps (${(r.bytes / 1e6).toFixed(1).padStart(4)} MB)  ` +
    `${names.map(per).join("  ")}  validate/parse ${(r.ms.validate / r.ms.parse).toFixed(2)}×  lint/parse ${(r.ms.lint / r.ms.parse).toFixed(2)}×`
  );
}

/** Where lint time goes: the loader (YAML, schema, AST), the expression checker, the rules. */
function breakdown(count, steps, first) {
  const texts = Array.from({ length: count }, (_, i) => generateRunbook(steps, first + i));
  const time = (fn) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  let loaded = [];
  const parseMs = time(() => {
    for (const t of texts) parseDocument(t);
  });
  const loadMs = time(() => {
    loaded = texts.map((t, i) => loadRunbook(`bench-${first + i}.rb.yaml`, t, { catalog: builtinCatalog }));
  });
  const checkMs = time(() => {
    for (const l of loaded) checkRunbook(l.runbook, builtinCatalog, l.source);
  });
  const rulesMs = time(() => {
    for (const l of loaded) runRules(l.runbook, l.source, builtinCatalog);
  });
  const x = (v) => `${v.toFixed(0)} ms (${(v / parseMs).toFixed(2)}× parse)`;
  return `breakdown over ${count} × ${steps}: parse ${parseMs.toFixed(0)} ms, load ${x(loadMs)}, checker ${x(checkMs)}, rules ${x(rulesMs)}`;
}

/** Throughput at ~60 steps, then the same ratios at 30 and 120 steps (same total steps each, interleaved) for scaling. */
export async function measure({ quick = false, log = () => {}, detail = false } = {}) {
  const count = quick ? 150 : 1000;
  // Warm the JIT and the one-time parser set-up on runbooks the timed passes never see.
  await pass(runbooks(quick ? 20 : 60, 60, 1_000_000));
  log(
    "parse = yaml parseDocument; validate = load + checker (rbx validate minus the file read); lint = lintSource",
  );
  const main = (await pass(runbooks(count, 60, 0))).get(60);
  log(passLine(main));
  const sizes = await pass(mixedSizes(Math.ceil(count / 4)));
  const small = sizes.get(30);
  const large = sizes.get(120);
  log(passLine(small));
  log(passLine(large));
  if (detail) log(breakdown(quick ? 100 : 300, 60, 300_000));
  const perRunbook = (r, name) => r.ms[name] / r.count;
  const ratio = (r, name) => r.ms[name] / r.ms.parse;
  const [vt, lt, vs, ls] = figures;
  const note = `${main.count} distinct runbooks; scaling: ${small.count} × 30 vs ${large.count} × 120 steps`;
  return [
    {
      ...vt,
      ours: perRunbook(main, "validate"),
      baseline: perRunbook(main, "parse"),
      unit: "ms/runbook",
      ratio: ratio(main, "validate"),
      note,
    },
    {
      ...lt,
      ours: perRunbook(main, "lint"),
      baseline: perRunbook(main, "parse"),
      unit: "ms/runbook",
      ratio: ratio(main, "lint"),
    },
    {
      ...vs,
      ours: ratio(large, "validate"),
      baseline: ratio(small, "validate"),
      unit: "× parse",
      ratio: ratio(large, "validate") / ratio(small, "validate"),
    },
    {
      ...ls,
      ours: ratio(large, "lint"),
      baseline: ratio(small, "lint"),
      unit: "× parse",
      ratio: ratio(large, "lint") / ratio(small, "lint"),
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await standalone((opts) => measure({ ...opts, detail: true }));
