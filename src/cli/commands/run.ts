// `rbx run FILE`: check params, take the target's lock, and run the runbook with a crash-safe journal.
import { parseArgs } from "node:util";
import { cliSession, interruptOnSignals, readParamsFile } from "../../runtime/operator-cli.js";
import { parseParamArgs } from "../../runtime/params.js";
import { startRun } from "../../runtime/session.js";
import type { CliIO } from "../commands.js";

/** Shown by `rbx run --help`. */
export const usage = `Usage: rbx run FILE [--param NAME=VALUE]... [--params-file F] [options]

Run a runbook: params are checked against their types before anything runs, the targets it writes to are
locked, and every event is journaled (fsync'd, hash-chained) under .rbx/runs/ before the next action.
Progress goes to stderr: on a terminal, a live line per running step (spinner, elapsed time, attempts,
what it waits for); otherwise one timestamped line per event. NO_COLOR turns colour off. stdout gets
"RUN STATUS" when the run stops, or NDJSON events with --json.

Options:
  --param NAME=VALUE   a param (repeatable); secret params come from the environment (from: env.NAME)
  --params-file F      params from a JSON or YAML map
  --plan-hash H        refuse to start unless \`rbx plan\` would print this hash now
  --approve ID         approve the approval step ID up front (repeatable)
  --approve-all        approve every approval step
  --force-unlock       take over a stale lock (recorded in the journal)
  --json               NDJSON events on stdout (one per line, secrets masked); the progress view on stderr
  --state-dir DIR      where journals and locks live (default .rbx, or RBX_STATE_DIR)

Exit status: 0 completed, 1 failed (and rolled back), 2 usage or validation error or refused to start,
3 halted for the operator (see \`rbx status\`), 130 interrupted.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr.write(`rbx run: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx run: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const params = parseParamArgs(values.param ?? []);
  if (params.bad.length > 0) {
    io.stderr.write(`rbx run: --param takes NAME=VALUE; got ${params.bad.map((b) => `"${b}"`).join(", ")}\n`);
    return 2;
  }
  let file: Record<string, unknown> | undefined;
  try {
    file = values["params-file"] ? await readParamsFile(values["params-file"], io.cwd) : undefined;
  } catch (err) {
    io.stderr.write(`rbx run: cannot read the params file: ${(err as Error).message}\n`);
    return 2;
  }
  const signals = interruptOnSignals();
  try {
    const opts = cliSession(
      io,
      {
        ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
        approve: values.approve ?? [],
        approveAll: values["approve-all"] ?? false,
        forceUnlock: values["force-unlock"] ?? false,
        json: values.json ?? false,
      },
      signals.signal,
      signals.name,
    );
    const result = await startRun(
      positionals[0] as string,
      { cli: params.params, ...(file ? { file } : {}) },
      values["plan-hash"],
      opts,
    );
    if (result.runId && !values.json) io.stdout.write(`${result.runId} ${result.status}\n`);
    return result.exit;
  } finally {
    signals.dispose();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      param: { type: "string", multiple: true },
      "params-file": { type: "string" },
      "plan-hash": { type: "string" },
      approve: { type: "string", multiple: true },
      "approve-all": { type: "boolean" },
      "force-unlock": { type: "boolean" },
      "state-dir": { type: "string" },
      json: { type: "boolean" },
    },
  });
}
