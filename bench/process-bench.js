// Process-level figures, as an operator or CI job runs rbx: start-up of a command that loads the CLI, and a cold
// `rbx validate` of a 50-step runbook against the yaml-only floor, with Node's compile cache warm and cold.
// Alone: `npm run build && node bench/process-bench.js [--quick]`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { standalone } from "./figures.js";
import { generateRunbook } from "./generate-runbook.js";
import { compareProcesses, median, pairedRatio } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));

/** The figures this file measures, with their targets (issue 20), and the references beside them. */
export const figures = [
  {
    id: "startup",
    title: "CLI start-up: rbx --help vs node -e 0",
    target: { op: "<=", value: 1.3 },
  },
  {
    id: "cold-validate",
    title: "cold rbx validate (50 steps) vs yaml floor, compile cache warm",
    target: { op: "<=", value: 1.5 },
  },
  {
    id: "cold-validate-nocache",
    title: "cold rbx validate (50 steps) vs yaml floor, compile cache cold",
    target: { op: "<=", value: 1.5 },
  },
  {
    id: "yaml-floor",
    title: "reference: yaml floor (import + parse, 50 steps) vs node -e 0",
    note:
      "reference, no target: a process that only imports the pinned yaml package and runs parseDocument (with " +
      "rbx's options, compile cache on) on the same file — the floor any YAML-based cold validate pays.",
  },
  {
    id: "version",
    title: "reference: rbx --version (answered before loading the CLI) vs node -e 0",
  },
];

/**
 * Node arguments of the floor process: what any validate built on the yaml package does before its own work,
 * and nothing more (the compile cache on, as bin/rbx.js has it).
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
 * Wall time of whole processes: each round runs every command once in rotated order. With the cache warm,
 * every process shares one compile-cache directory (warmed by the warm-up rounds, as an operator's is from the
 * second run on); with it cold, each process gets a new empty directory, as in a fresh CI container.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(dir, "bench-50.rb.yaml");
    writeFileSync(file, generateRunbook(50));
    const runs = quick ? 7 : 21;
    const warmCache = join(dir, "cache-warm");
    let fresh = 0;
    const coldCache = () => {
      const d = join(dir, `cache-cold-${fresh++}`);
      mkdirSync(d);
      return { env: { ...process.env, NODE_COMPILE_CACHE: d } };
    };
    const warm = { env: { ...process.env, NODE_COMPILE_CACHE: warmCache } };
    const t = compareProcesses(
      {
        node: ["-e", "0"],
        version: { args: [rbx, "--version"], options: warm },
        help: { args: [rbx, "--help"], options: warm },
        validate: { args: [rbx, "validate", "--quiet", file], options: warm },
        yaml: { args: yamlOnly(file), options: warm },
        validateCold: { args: [rbx, "validate", "--quiet", file], options: coldCache },
        yamlCold: { args: yamlOnly(file), options: coldCache },
      },
      { runs, warmup: 2, options: { cwd: dir } },
    );
    const startup = pairedRatio(t.help, t.node);
    const validate = pairedRatio(t.validate, t.yaml);
    const validateCold = pairedRatio(t.validateCold, t.yamlCold);
    const floor = pairedRatio(t.yaml, t.node);
    const version = pairedRatio(t.version, t.node);
    log(
      `process wall times, median of ${runs} rounds (7 commands each, order rotated) after 2 warm-up rounds:`,
    );
    const line = (name, xs) => log(`  ${name.padEnd(40)} ${median(xs).toFixed(1)} ms`);
    line("node -e 0", t.node);
    line("rbx --version", t.version);
    line("rbx --help", t.help);
    line("rbx validate (cache warm)", t.validate);
    line("yaml floor (cache warm)", t.yaml);
    line("rbx validate (cache cold)", t.validateCold);
    line("yaml floor (cache cold)", t.yamlCold);
    const [f1, f2, f3, f4, f5] = figures;
    const row = (f, p, extra = {}) => ({ ...f, ...p, unit: "ms", ...extra });
    return [
      row(f1, startup),
      row(f2, validate),
      row(f3, validateCold, {
        note: "every process (rbx and the floor) starts with a new, empty compile-cache directory, as in a fresh CI container",
      }),
      row(f4, floor),
      row(f5, version),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
