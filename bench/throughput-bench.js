// In-process throughput: `rbx validate` and `rbx lint` of a 50-step runbook against parsing its YAML alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { generateRunbook } from "./generate-runbook.js";
import { timePerCall } from "./timing.js";

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** One command's time per run of the generated runbook, or the reason it could not be measured. */
async function commandTime(module, args, io, seconds) {
  try {
    const mod = await import(module);
    const code = await mod.run(args, io);
    if (code !== 0)
      throw new Error(`rbx ${args.join(" ")} found problems in the generated runbook (exit ${code})`);
    return { ms: await timePerCall(() => mod.run(args, io), seconds) };
  } catch (err) {
    return { error: (err instanceof Error ? err.message : String(err)).split("\n")[0] };
  }
}

/** Validate and lint through their command modules (file read included), against read + YAML parse. */
export async function measure({ seconds = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  try {
    const file = join(dir, "bench-50.rb.yaml");
    writeFileSync(file, generateRunbook(50));
    const io = { stdout: sink(), stderr: sink(), env: {}, cwd: dir };
    const yaml = await timePerCall(async () => parseDocument(await readFile(file, "utf8")), seconds);
    const per = (ms) => `${(1000 / ms).toFixed(0)} runbooks/s`;
    const figure = (id, title, t) => ({
      id,
      title,
      target: { op: "<=", value: 3 },
      ...(t.error
        ? { error: t.error }
        : { ours: per(t.ms), baseline: `${per(yaml)} (yaml parseDocument)`, ratio: t.ms / yaml }),
    });
    const v = await commandTime("../dist/cli/commands/validate.js", ["--quiet", file], io, seconds);
    const l = await commandTime(
      "../dist/cli/commands/lint.js",
      ["--no-config", "--quiet", file],
      io,
      seconds,
    );
    return [
      figure("validate-throughput", "validate throughput vs YAML parse", v),
      figure("lint-throughput", "lint throughput vs YAML parse", l),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of await measure()) {
    console.log(
      f.error
        ? `${f.title}: not measured: ${f.error}`
        : `${f.title}: ${f.ours} vs ${f.baseline} = ${f.ratio.toFixed(2)}× slower`,
    );
  }
}
