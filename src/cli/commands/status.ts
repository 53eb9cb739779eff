// `rbx status [RUN]`: where a run stands, what a rollback would run now, and the recovery choices.
import { inspectRun } from "../../run/sessions/inspect.js";
import { formatStatus } from "../../run/sessions/status-report.js";
import { parseCommandLine, usageError } from "../command-line.js";
import { findRun } from "../find-run.js";
import type { CliIO } from "../io.js";
import { cliCatalogResolver } from "../project-catalog.js";

/** Shown by `rbx status --help`. */
export const usage = `Usage: rbx status [RUN] [--json] [--preview-rollback] [--state-dir DIR]

Fold a run's journal (the newest run when RUN is omitted; a unique prefix is enough) and show: its state,
the phase and step reached, the last rollback boundary entered, what a rollback would run now, its locks
and who holds them, and the recovery choices (resume, approve, settle, skip, rollback) with the exact
commands — the same ones the live view and \`rbx report\` print. A run that is still running gets no
choices: who runs it and how to follow it. The journal's hash chain is verified; an edited or truncated
journal is reported.

For each step a rollback would run, it says whether the step will run or be skipped, from its \`when\` over the
journal. A condition that reads a step the rollback runs first (a restore decided by reading the ledger and
the schema now) is "decided when the rollback runs"; --preview-rollback runs those read-only steps now,
journaling nothing, and decides it (the run's secrets must be in the environment, as for rbx resume).

Exit status: 0 shown (even when the journal does not verify: the report says so), 2 no such run.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = {
    json: { type: "boolean" },
    "preview-rollback": { type: "boolean" },
    "state-dir": { type: "string" },
  } as const;
  const parsed = parseCommandLine("status", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length > 1) return usageError(io, "status", "give at most one run id");
  const { store, runId } = await findRun(io, values["state-dir"], positionals[0]);
  const live = values["preview-rollback"]
    ? { env: io.env, signal: AbortSignal.timeout(300_000), say: (l: string) => io.stderr.write(`${l}\n`) }
    : undefined;
  const report = await inspectRun(store, runId, io.cwd, cliCatalogResolver(), values["state-dir"], live);
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
  return 0;
}
