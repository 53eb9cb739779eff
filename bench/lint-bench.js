// rbx lint benchmark: 1,000 generated runbooks of ~60 steps; lint time beside the time to merely parse the same YAML.
// Run with `npm run build && node bench/lint-bench.js [runbooks] [steps]`. Prints figures; asserts nothing.
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";
import { checkRunbook } from "../dist/check/check-runbook.js";
import { lintSource } from "../dist/lint/linter.js";
import { runRules } from "../dist/lint/run-rules.js";
import { loadRunbook } from "../dist/parser/load.js";

const RUNBOOKS = Number(process.argv[2] ?? 1000);
const STEPS = Number(process.argv[3] ?? 60);

/** One runbook of about `steps` steps, with templates, expressions, retries, checks and a rollback boundary. */
function generate(n, steps) {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata:",
    `  name: bench-${n}`,
    "  version: 1.0.0",
    "params:",
    "  targetVersion: { type: semver, description: Version to roll out }",
    "  baseUrl: { type: url }",
    "  databaseUrl: { type: secret, from: env.BENCH_DATABASE_URL }",
    `  replicas${n}: { type: int, default: ${(n % 5) + 1} }`,
    "connections:",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: rbx templates are written ${{ }}
    '  db: { kind: postgres, url: "${{ params.databaseUrl }}" }',
    "guards:",
    `  - that: params.replicas${n} > 0 && params.targetVersion != semver("0.0.0")`,
    "    message: Give a version and at least one replica",
    "checks:",
    "  healthy:",
    "    - id: ready",
    "      action: http.check",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: rbx templates are written ${{ }}
    '      with: { url: "${{ params.baseUrl }}/readyz" }',
    "      retry: { until: output.status == 200, every: 5s, timeout: 5m }",
    "phases:",
    "  - id: backup",
    "    onFailure: halt",
    "    steps:",
    "      - id: snap",
    "        action: snapshot.create",
    `        with: { connection: db, label: "bench-${n}-\${{ params.targetVersion }}" }`,
  ];
  const perPhase = 10;
  let made = 1;
  for (let p = 0; made < steps; p++) {
    lines.push(`  - id: phase${p}`);
    lines.push("    rollback:");
    lines.push("      - action: snapshot.restore");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: rbx templates are written ${{ }}
    lines.push('        with: { snapshot: "${{ steps.snap.output.id }}" }');
    lines.push("      - check: healthy");
    lines.push("    steps:");
    for (let i = 0; i < perPhase && made < steps; i++, made++) {
      const id = `s${p}x${i}n${n}`;
      switch (i % 5) {
        case 0:
          lines.push(`      - id: ${id}`, "        action: http.check");
          lines.push(
            `        with: { url: "\${{ params.baseUrl }}/api/items/${i}?page=\${{ params.replicas${n} }}" }`,
          );
          lines.push("        expect:", `          - that: output.status == 200 && size(output.text) > ${i}`);
          lines.push(`            message: "item ${i} answered \${{ output.status }}"`);
          break;
        case 1:
          lines.push(`      - id: ${id}`, "        action: sql.query");
          lines.push(
            `        with: { connection: db, sql: "select count(*) as n from t${i} where v = $1", params: ["\${{ string(params.targetVersion) }}"] }`,
          );
          lines.push(`        when: params.replicas${n} >= ${i % 3}`);
          break;
        case 2:
          lines.push(`      - id: ${id}`, "        action: sql.exec");
          lines.push(
            `        with: { connection: db, statements: ["update t${i} set v = 1 where id = ${n}"], probe: "select true" }`,
          );
          lines.push("        retry: { attempts: 3, every: 2s, timeout: 1m }");
          break;
        case 3:
          lines.push(`      - id: ${id}`, "        action: approve");
          lines.push(
            `        with: { prompt: "Continue phase ${p} of \${{ params.targetVersion }}?", timeout: 30m }`,
          );
          break;
        default:
          lines.push("      - check: healthy");
      }
    }
  }
  lines.push("  - id: verify", "    steps:", "      - check: healthy");
  return `${lines.join("\n")}\n`;
}

function time(fn) {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function run(count, steps) {
  const texts = Array.from({ length: count }, (_, i) => generate(i, steps));
  const bytes = texts.reduce((a, t) => a + t.length, 0);
  let problems = 0;
  let parseMs = 0;
  let lintMs = 0;
  // Interleaved per runbook, so both figures see the same machine load (the machine is shared).
  texts.forEach((t, i) => {
    parseMs += time(() => parseDocument(t));
    lintMs += time(() => {
      problems += lintSource(`bench-${i}.rb.yaml`, t).diagnostics.length;
    });
  });
  return { count, steps, bytes, parseMs, lintMs, problems };
}

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
function report(r) {
  const ratio = r.lintMs / r.parseMs;
  console.log(
    `${String(r.count).padStart(5)} runbooks x ${String(r.steps).padStart(3)} steps (${(r.bytes / 1e6).toFixed(1)} MB): ` +
      `parse ${fmt(r.parseMs)}  lint ${fmt(r.lintMs)}  lint/parse ${ratio.toFixed(2)}x  ` +
      `lint per step ${((r.lintMs * 1000) / (r.count * r.steps)).toFixed(1)} µs  problems ${r.problems}`,
  );
  return ratio;
}

/** Where lint time goes: the loader (YAML + schema + AST), the expression checker, the rules. */
function breakdown(count, steps) {
  const texts = Array.from({ length: count }, (_, i) => generate(i, steps));
  let loaded = [];
  const loadMs = time(() => {
    loaded = texts.map((t, i) => loadRunbook(`bench-${i}.rb.yaml`, t));
  });
  const checkMs = time(() => {
    for (const l of loaded) checkRunbook(l.runbook, l.source);
  });
  const rulesMs = time(() => {
    for (const l of loaded) runRules(l.runbook, l.source);
  });
  const parseMs = time(() => {
    for (const t of texts) parseDocument(t);
  });
  console.log(
    `breakdown over ${count} runbooks: parse ${fmt(parseMs)}  load ${fmt(loadMs)} (${(loadMs / parseMs).toFixed(2)}x)  ` +
      `checker ${fmt(checkMs)} (${(checkMs / parseMs).toFixed(2)}x)  rules ${fmt(rulesMs)} (${(rulesMs / parseMs).toFixed(2)}x)`,
  );
}

// Warm up the JIT and the one-time parser set-up, so the figures below compare steady states.
run(50, STEPS);

console.log("rbx lint benchmark (lint = load + checker + rules + suppressions; parse = yaml parseDocument)");
const main = report(run(RUNBOOKS, STEPS));
breakdown(RUNBOOKS, STEPS);
console.log(`target: lint <= 3x parse -> ${main <= 3 ? "met" : "NOT met"} (${main.toFixed(2)}x)`);
console.log("linearity in the number of runbooks:");
for (const c of [RUNBOOKS / 4, RUNBOOKS / 2, RUNBOOKS]) report(run(Math.round(c), STEPS));
console.log("linearity in runbook size:");
for (const s of [STEPS / 2, STEPS, STEPS * 2]) report(run(Math.round(RUNBOOKS / 4), Math.round(s)));
