// `rbx rollback RUN`: unwind the boundaries a run entered, newest first — also after it completed.
import { parseArgs } from "node:util";
import { cliSession, interruptOnSignals, parseSettle, readParamsFile } from "../../runtime/operator-cli.js";
import { rollbackRun } from "../../runtime/session.js";
import type { CliIO } from "../commands.js";

/** Shown by `rbx rollback --help`. */
export const usage = `Usage: rbx rollback RUN [options]

Unwind the rollback boundaries the run entered, newest first, each by its own rollback steps (which may
use \`when\` and \`check\`), then verify. Works on a halted, interrupted, crashed or completed run; a
rollback that halted continues where it stopped. \`rbx status RUN\` shows what it would run.

Options:
  --approve ID            approve the approval step ID (repeatable)
  --approve-all           approve every approval step
  --settle STEP=done|redo settle an in-doubt rollback step
  --accept-changes        continue with a changed document (the change summary is journaled)
  --params-file F         values for secret params that have no \`from: env\`
  --file F                the runbook, if it moved since the run started
  --force-unlock          take over a lock held by another run whose process is gone (recorded)
  --json                  NDJSON events on stdout (one per line, secrets masked); progress on stderr
  --state-dir DIR         where journals and locks live (default .rbx, or RBX_STATE_DIR)

Exit status: 0 rolled back, 2 refused, 3 the rollback halted (see \`rbx status\`), 130 interrupted.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr.write(`rbx rollback: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx rollback: give the run id (\`rbx runs\` lists them)\n${usage}`);
    return 2;
  }
  const settle = parseSettle(values.settle ?? []);
  if (settle.bad.length > 0) {
    io.stderr.write(`rbx rollback: --settle takes STEP=done or STEP=redo; got ${settle.bad.join(", ")}\n`);
    return 2;
  }
  let paramsFile: Record<string, unknown> | undefined;
  try {
    paramsFile = values["params-file"] ? await readParamsFile(values["params-file"], io.cwd) : undefined;
  } catch (err) {
    io.stderr.write(`rbx rollback: cannot read the params file: ${(err as Error).message}\n`);
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
    const result = await rollbackRun(
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
