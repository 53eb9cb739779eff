// `rbx approve RUN STEP[=VALUE]`: approve a halted run's step from any machine sharing the store; who is journaled.

import { approveStep } from "../../run/sessions/approve-step.js";
import { parseCommandLine, usageError } from "../command-line.js";
import { findRun } from "../find-run.js";
import type { CliIO } from "../io.js";
import { cliSession } from "../operator-session.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx approve --help`. */
export const usage = `Usage: rbx approve RUN STEP[=VALUE] [--store URL | --state-dir DIR]

Record your approval of STEP, an \`approve\` step (or an action that needs approval) a run halted at waiting
for approval. Who you are is journaled: your user name, this host and — with a PostgreSQL store — the
database role you logged in as, which is what approvals compare. A step with \`approvers: { min: N }\` needs N
different people; with \`notStarter: true\` the person who started the run cannot approve it. An approval
that asks for a value (\`input: { pattern }\`) is given as STEP=VALUE; the value must match the pattern and is
journaled with the approval (without one, its \`default\`). Then
\`rbx resume RUN\` continues the run, from this machine or any other that shares the store.

Exit status: 0 recorded, 2 refused (no such run or approval step, the run is running or finished, or your
approval would not count: you started the run, or you already approved).
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("approve", argv, storeOptions, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) return usageError(io, "approve", "give the run id and the step");
  return withStore("approve", io, values, 2, async (store, choice) => {
    const runId = await findRun(store, positionals[0]);
    const controller = new AbortController();
    const opts = cliSession(
      io,
      store,
      choice,
      values["state-dir"] ? { stateDir: values["state-dir"] } : {},
      controller.signal,
      () => "SIGINT",
    );
    return (await approveStep(runId, positionals[1] as string, opts)).exit;
  });
}
