// `rbx skip RUN STEP --reason TEXT`: mark a step done without running it; who and why are journaled.

import { skipStep } from "../../run/sessions/skip-step.js";
import { parseCommandLine, usageError } from "../command-line.js";
import { findRun } from "../find-run.js";
import type { CliIO } from "../io.js";
import { cliSession } from "../operator-session.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx skip --help`. */
export const usage = `Usage: rbx skip RUN STEP --reason TEXT [--override-check] [--store URL | --state-dir DIR]

Mark STEP of a halted, interrupted or crashed run as done without running it (the "skip" recovery path:
you did it by hand, or decided it is safe to leave out). The reason and who you are (user, host, and the
store's database role) are recorded. Then \`rbx resume RUN\` continues after it — from any machine that
shares the store.

A step that waits for an approval is never skipped: an approval is given only by approving
(\`rbx approve RUN STEP\`, or \`rbx resume RUN --approve STEP\`). A safety check — a step whose guard does
not hold, or one that only reads before any rollback boundary was entered (a pre-check or a baseline:
licence, versions, the revision to return to) — is refused unless --override-check says you verified it
yourself; the override is recorded as such.

Exit status: 0 recorded, 2 refused (no such run or step, the run is active or finished, no --reason,
an approval, a safety check without --override-check).
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = {
    reason: { type: "string" },
    "override-check": { type: "boolean" },
    ...storeOptions,
  } as const;
  const parsed = parseCommandLine("skip", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) return usageError(io, "skip", "give the run id and the step");
  const reason = values.reason?.trim();
  if (!reason) return usageError(io, "skip", "say why with --reason TEXT; it is recorded in the journal");
  return withStore("skip", io, values, 2, async (store, choice) => {
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
    const result = await skipStep(runId, positionals[1] as string, reason, opts, {
      overrideCheck: values["override-check"] === true,
    });
    return result.exit;
  });
}
