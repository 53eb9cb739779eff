// `npm run bench`: every speed figure of rbx, each measured in exactly one bench file, printed as ratios with targets.
// Usage: node bench/run.js [--quick] [--write] [--verbose] [--context=TEXT]. Run after `npm run build` (the benches
// import dist/).
//   --quick         fewer repetitions: a fast pass, noisier figures
//   --write         also write bench/RESULTS.md with the figures and the machine
//   --verbose       print each bench's detailed table (on stderr) as it finishes
//   --context=TEXT  what else the machine was doing, written under the machine in RESULTS.md
// A missed target prints MISS and is information; the exit code is 1 only when a figure could not be measured.
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { figureLines, skipped, unmeasured } from "./figures.js";
import { machine, machineLine } from "./machine.js";
import { resultsMarkdown } from "./results-md.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = args.includes("--write");
const verbose = args.includes("--verbose");
const context = args.find((a) => a.startsWith("--context="))?.slice("--context=".length);
const unknown = args.filter(
  (a) => !["--quick", "--write", "--verbose"].includes(a) && !a.startsWith("--context="),
);
if (unknown.length > 0) {
  process.stderr.write(
    `bench/run.js: unknown option ${unknown.join(" ")}; use --quick, --write, --verbose, --context=TEXT\n`,
  );
  process.exit(2);
}

/**
 * The bench files, in the order their figures print; each exports `figures` and `measure(opts)`. A bench that
 * belongs to a change not merged yet names the figures it will measure; while its file is absent they print SKIP.
 */
const benches = [
  ["start-up and cold validate", "./process-bench.js"],
  ["validate and lint throughput", "./lint-bench.js"],
  ["rbx run: per-step overhead and memory", "./run-bench.js"],
  [
    "PostgreSQL store per-step overhead",
    "./store-bench.js",
    {
      until: "store-bench.js lands with the PostgreSQL run store (issue 16)",
      figures: [
        {
          id: "store-step-overhead",
          title: "run per step, PostgreSQL store vs one committed INSERT",
          target: { op: "<=", value: 2 },
        },
      ],
    },
  ],
  ["a fleet of 10,000 targets", "./fleet-bench.js"],
  ["expressions", "./expr-bench.js"],
  ["language server latency", "./lsp-bench.js"],
  ["against Ansible", "./ansible-bench.js"],
  ["snapshot create and restore", "./snapshot-bench.js"],
];

// Taken before any bench runs, and again at the end: the load average says how much else competed for the machine.
const m = machine();
const started = process.hrtime.bigint();
const figures = [];
for (const [name, path, pending] of benches) {
  if (pending && !existsSync(new URL(path, import.meta.url))) {
    figures.push(...skipped(pending.figures, pending.until));
    continue;
  }
  process.stderr.write(`measuring ${name}…\n`);
  const t0 = process.hrtime.bigint();
  let mod;
  try {
    mod = await import(path);
    const log = verbose ? (line) => process.stderr.write(`  ${line}\n`) : () => {};
    const got = await mod.measure({ quick, log });
    // A bench that returns fewer figures than it declares has failed to measure the rest.
    const missing = mod.figures.filter((f) => !got.some((g) => g.id === f.id));
    figures.push(...got, ...unmeasured(missing, new Error("the bench returned no value for it")));
  } catch (err) {
    const declared = mod?.figures ?? [{ id: path, title: `${name} (${path})` }];
    figures.push(...unmeasured(declared, err));
    process.stderr.write(`  ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.stderr.write(`  done in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
m.loadEnd = machine().load;

console.log(`rbx benchmarks${quick ? " (--quick)" : ""}: ${machineLine(m)}`);
console.log(`${m.date}, ${seconds.toFixed(0)} s; ratio = rbx / baseline, measured in the same run\n`);
for (const line of figureLines(figures)) console.log(line);
if (write) {
  const path = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
  writeFileSync(path, resultsMarkdown(figures, m, { quick, seconds, context }));
  console.log("\nwritten to bench/RESULTS.md");
}
process.exitCode = figures.some((f) => f.error) ? 1 : 0;
