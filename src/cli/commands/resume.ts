// `rbx resume RUN`: continue a halted, interrupted or crashed run from its journal.
import { parseArgs } from "node:util";
import { cliSession, interruptOnSignals, parseSettle, readParamsFile } from "../../runtime/operator-cli.js";
import { resumeRun } from "../../runtime/session.js";
import type { CliIO } from "../commands.js";

/** Shown by `rbx resume --help`. */
export const usage = `Usage: rbx resume RUN [options]

Continue a run from its journal. Steps recorded as done are not run again. A step that was started but
never recorded as finished is in doubt: a read step runs again; a write step is settled by its \`verify:\`
postcondition or its action's probe, or by you (--settle). A failed step runs again (fix forward).
The document must be unchanged since the run started, unless --accept-changes (the changes are recorded).

Options:
  --approve ID            approve the approval step ID (repeatable)
  --approve-all           approve every approval step
  --settle STEP=done|redo settle an in-doubt step: it happened (done) or run it again (redo)
  --accept-changes        continue with a changed document (the change summary is journaled)
  --params-file F         values for secret params that have no \`from: env\`
  --file F                the runbook, if it moved since the run started
  --force-unlock          take over a lock held by another run whose process is gone (recorded)
  --json                  NDJSON events on stdout (one per line, secrets masked); progress on stderr
  --state-dir DIR         where journals and locks live (default .rbx, or RBX_STATE_DIR)

Exit status: as \`rbx run\`: 0 completed, 1 failed, 2 refused, 3 halted, 130 interrupted.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr.write(`rbx resume: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx resume: give the run id (\`rbx runs\` lists them)\n${usage}`);
    return 2;
  }
  const settle = parseSettle(values.settle ?? []);
  if (settle.bad.length > 0) {
    io.stderr.write(`rbx resume: --settle takes STEP=done or STEP=redo; got ${settle.bad.join(", ")}\n`);
    return 2;
  }
  let paramsFile: Record<string, unknown> | undefined;
  try {
    paramsFile = values["params-file"] ? await readParamsFile(values["params-file"], io.cwd) : undefined;
  } catch (err) {
    io.stderr.write(`rbx resume: cannot read the params file: ${(err as Error).message}\n`);
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
        settle: settle.settle,
        forceUnlock: values["force-unlock"] ?? false,
        json: values.json ?? false,
        acceptChanges: values["accept-changes"] ?? false,
      },
      signals.signal,
      signals.name,
    );
    const result = await resumeRun(
      positionals[0] as string,
      { ...(paramsFile ? { paramsFile } : {}), ...(values.file ? { file: values.file } : {}) },
      opts,
    );
    if (result.runId && result.status && !values.json) io.stdout.write(`${result.runId} ${result.status}\n`);
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
      approve: { type: "string", multiple: true },
      "approve-all": { type: "boolean" },
      settle: { type: "string", multiple: true },
      "accept-changes": { type: "boolean" },
      "params-file": { type: "string" },
      file: { type: "string" },
      "force-unlock": { type: "boolean" },
      "state-dir": { type: "string" },
      json: { type: "boolean" },
    },
  });
}
