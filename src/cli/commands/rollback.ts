// `rbx rollback RUN`: unwind the boundaries a run entered, newest first — also after it completed.

import { EXIT_STATUS_HELP } from "../../run/model/exit-codes.js";
import { rollbackRun } from "../../run/sessions/rollback-run.js";
import { continueRunCommand } from "../continue-run.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx rollback --help`. */
export const usage = `Usage: rbx rollback RUN [options]

Unwind the rollback boundaries the run entered, newest first, each by its own rollback steps (which may
use \`when\` and \`check\`), then verify. Works on a halted, interrupted, crashed or completed run; a
rollback that halted continues where it stopped. \`rbx status RUN\` shows what it would run.

Options:
  --approve ID[=VAL]      approve the approval step ID, with its value if it asks for one (repeatable)
  --approve-all           approve every approval step
  --settle STEP=done|redo settle an in-doubt rollback step
  --accept-changes        continue with a changed document (the change summary is journaled)
  --params-file F         values for secret params that have no \`from: env\`
  --file F                the runbook, if it moved since the run started
  --force-unlock          take over a lock held by another run (recorded in both runs' journals)
  --json                  NDJSON events on stdout (one per line, secrets masked); progress on stderr
  --state-dir DIR         where journals and locks live (default .rbx, or RBX_STATE_DIR)
  --store URL             a PostgreSQL run store shared by the team (also RBX_STORE, or \`store:\` in
                          .rbx.yaml); journals, locks and approvals live there

${EXIT_STATUS_HELP}
`;

/** Run the command. */
export function run(argv: string[], io: CliIO): Promise<number> {
  return continueRunCommand("rollback", argv, io, rollbackRun);
}
