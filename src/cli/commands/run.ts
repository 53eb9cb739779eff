// `rbx run FILE`: check params, take the target's lock, and run the runbook with a crash-safe journal.

import { EXIT_STATUS_HELP } from "../../run/model/exit-codes.js";
import { startRun } from "../../run/sessions/start-run.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { driveRun, paramOptions, readParams, sessionOptions } from "../run-options.js";

/** Shown by `rbx run --help`. */
export const usage = `Usage: rbx run FILE [--param NAME=VALUE]... [--params-file F] [options]

Run a runbook: params are checked against their types before anything runs, the targets it writes to are
locked, and every event is journaled (fsync'd, hash-chained) under .rbx/runs/ before the next action.
Progress goes to stderr: on a terminal, a live line per running step (spinner, elapsed time, attempts,
what it waits for); otherwise one timestamped line per event. NO_COLOR turns colour off, FORCE_COLOR=1
on. stdout gets
"RUN STATUS" when the run stops, or NDJSON events with --json.

Options:
  --param NAME=VALUE   a param (repeatable); secret params come from the environment (from: env.NAME)
  --params-file F      params from a JSON or YAML map
  --plan-hash H        refuse to start unless \`rbx plan\` would print this hash now
  --run-id ID          the run's id (letters, digits, . _ -) instead of a new one; refused if it exists
                       (a fleet names its targets' runs this way, so a target never runs twice)
  --approve ID[=VAL]   approve the approval step ID up front, with its value if it asks for one (repeatable)
  --approve-all        approve every approval step
  --force-unlock       take over a lock held by another run (recorded in both runs' journals)
  --json               NDJSON events on stdout (one per line, secrets masked); the progress view on stderr
  --state-dir DIR      where journals and locks live (default .rbx, or RBX_STATE_DIR)
  --store URL          a PostgreSQL run store shared by the team (also RBX_STORE, or \`store:\` in
                       .rbx.yaml); journals, locks and approvals live there

${EXIT_STATUS_HELP}
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = {
    ...paramOptions,
    "plan-hash": { type: "string" },
    "run-id": { type: "string" },
    ...sessionOptions,
  } as const;
  const parsed = parseCommandLine("run", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usageError(io, "run", "give exactly one runbook file");
  const params = readParams("run", values, io);
  if (!params) return 2;
  return driveRun("run", io, values, undefined, (opts) =>
    startRun(positionals[0] as string, params, values["plan-hash"], {
      ...opts,
      ...(values["run-id"] !== undefined ? { runId: values["run-id"] } : {}),
    }),
  );
}
