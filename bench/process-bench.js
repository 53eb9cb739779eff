// Process-level figures: `rbx --version` and a cold `rbx validate` of a 50-step runbook, each against `node -e 0`.
// Alone: `npm run build && node bench/process-bench.js [--quick]`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { standalone } from "./figures.js";
import { generateRunbook } from "./generate-runbook.js";
import { compareProcesses } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));

/** The figures this file measures, with their targets (issue 9), and the reference under cold-validate. */
export const figures = [
  {
    id: "startup",
    title: "CLI start-up: rbx --version vs node -e 0",
    target: { op: "<=", value: 1.3 },
  },
  {
    id: "cold-validate",
    title: "cold rbx validate (50 steps) vs node -e 0",
    target: { op: "<=", value: 2.5 },
  },
  {
    id: "yaml-floor",
    title: "reference: yaml import + parse only (50 steps) vs node -e 0",
    note:
      "reference, no target: a process that only imports the pinned yaml package and runs parseDocument (with " +
      "rbx's options, compile cache on) on the same file — the floor any YAML-based cold validate pays.",
  },
];

/**
 * Node arguments of the reference process: what any validate built on the yaml package does before its own
 * work, and nothing more (the compile cache on, as bin/rbx.js has it).
 */
function yamlOnly(file) {
  const code = [
    'process.getBuiltinModule("node:module").enableCompileCache?.();',
    `const { parseDocument } = await import(${JSON.stringify(import.meta.resolve("yaml"))});`,
    'const text = process.getBuiltinModule("node:fs").readFileSync(process.argv[1], "utf8");',
    "parseDocument(text, { keepSourceTokens: true, uniqueKeys: false, prettyErrors: false });",
  ].join("\n");
  return ["--input-type=module", "-e", code, file];
}

/**
 * Wall time of whole processes, as an operator or CI job sees them: `node -e 0`, `node bin/rbx.js --version`,
 * `node bin/rbx.js validate --quiet FILE` and the yaml-only reference run in rotated order per round, medians
 * compared.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(dir, "bench-50.rb.yaml");
    writeFileSync(file, generateRunbook(50));
    const runs = quick ? 7 : 21;
    const t = compareProcesses(
      {
        node: ["-e", "0"],
        version: [rbx, "--version"],
        validate: [rbx, "validate", "--quiet", file],
        yaml: yamlOnly(file),
      },
      { runs, warmup: 2, options: { cwd: dir } },
    );
    log(`process wall times, median of ${runs} interleaved runs after 2 warm-ups:`);
    log(`  node -e 0                      ${t.node.toFixed(1)} ms`);
    log(`  rbx --version                  ${t.version.toFixed(1)} ms`);
    log(`  rbx validate (50-step runbook) ${t.validate.toFixed(1)} ms`);
    log(`  yaml import + parse only       ${t.yaml.toFixed(1)} ms  (reference, no target)`);
    const [startup, validate, floor] = figures;
    return [
      { ...startup, ours: t.version, baseline: t.node, unit: "ms", ratio: t.version / t.node },
      { ...validate, ours: t.validate, baseline: t.node, unit: "ms", ratio: t.validate / t.node },
      { ...floor, ours: t.yaml, baseline: t.node, unit: "ms", ratio: t.yaml / t.node },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
