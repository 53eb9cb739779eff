// Process-level figures: `rbx --version` and a cold `rbx validate` of a 50-step runbook, against `node -e 0`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateRunbook } from "./generate-runbook.js";
import { compareProcesses } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));

/** Start-up and cold-validate figures, each as a ratio to a bare Node start. */
export async function measure({ runs = 15 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(dir, "bench-50.rb.yaml");
    writeFileSync(file, generateRunbook(50));
    const t = compareProcesses(
      { node: ["-e", "0"], version: [rbx, "--version"], validate: [rbx, "validate", "--quiet", file] },
      runs,
      2,
      { cwd: dir },
    );
    return [
      {
        id: "startup",
        title: "CLI start-up: rbx --version",
        ours: `${t.version.toFixed(1)} ms`,
        baseline: `${t.node.toFixed(1)} ms (node -e 0)`,
        ratio: t.version / t.node,
        target: { op: "<=", value: 1.3 },
      },
      {
        id: "cold-validate",
        title: "cold rbx validate, 50-step runbook",
        ours: `${t.validate.toFixed(1)} ms`,
        baseline: `${t.node.toFixed(1)} ms (node -e 0)`,
        ratio: t.validate / t.node,
        target: { op: "<=", value: 2.5 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of await measure())
    console.log(`${f.title}: ${f.ours} vs ${f.baseline} = ${f.ratio.toFixed(2)}×`);
}
