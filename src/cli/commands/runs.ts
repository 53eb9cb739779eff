// `rbx runs`: every run under the state directory with the state it reached.

import { listRuns } from "../../run/sessions/inspect.js";
import { FileRunStore } from "../../run/store/file-store.js";
import { parseCommandLine } from "../command-line.js";
import type { CliIO } from "../io.js";
import { stateDir } from "../operator.js";

/** Shown by `rbx runs --help`. */
export const usage = `Usage: rbx runs [--json] [--state-dir DIR]

List the runs under the state directory (default .rbx, or RBX_STATE_DIR), oldest first: run id,
runbook and version, state (completed, rolled-back, failed, halted, interrupted, crashed, running),
start time, and whether the journal verifies (its hash chain is intact), under a header line.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(
    "runs",
    argv,
    { json: { type: "boolean" }, "state-dir": { type: "string" } },
    io,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const dir = stateDir(io, values["state-dir"]);
  const runs = await listRuns(new FileRunStore(dir));
  if (values.json) {
    io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    io.stdout.write(`no runs under ${dir}\n`);
    return 0;
  }
  const rows = [
    ["RUN", "STATE", "RUNBOOK", "STARTED", "JOURNAL"],
    ...runs.map((r) => [
      r.runId,
      r.status,
      r.runbook,
      r.startedAt || "?",
      r.verified ? "verifies" : "DOES NOT VERIFY (rbx status RUN shows where)",
    ]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  for (const row of rows) {
    io.stdout.write(`${row.map((c, i) => (i < 4 ? c.padEnd(widths[i] as number) : c)).join("  ")}\n`);
  }
  return 0;
}
