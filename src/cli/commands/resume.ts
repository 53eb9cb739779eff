// `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal.

import { EXIT_STATUS_HELP } from "../../run/model/exit-codes.js";
import { resumeRun } from "../../run/sessions/resume-run.js";
import { continueRunCommand } from "../continue-run.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx resume --help`. */
export const usage = `Usage: rbx resume RUN [options]

Continue a run from its journal. Steps recorded as done are not run again. A step that was started but
never recorded as finished is in doubt: a read step runs again; a write step is settled by its \`verify:\`
postcondition or its action's probe, or by you (--settle). A failed step runs again (fix forward).
The document must be unchanged since the run started, unless --accept-changes (the changes are recorded).

Options:
  --approve ID[=VAL]      approve the approval step ID, with its value if it asks for one (repeatable)
  --approve-all           approve every approval step
  --settle STEP=done|redo settle an in-doubt step: it happened (done) or run it again (redo)
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
  return continueRunCommand("resume", argv, io, resumeRun);
}
