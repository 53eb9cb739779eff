// `rbx status [RUN]`: where a run stands, what a rollback would run now, and the recovery choices; with
// --follow, the run's steps live as they happen, wherever it is driven from.
import { followRun } from "../../run/sessions/follow-run.js";
import { inspectRun } from "../../run/sessions/inspect.js";
import { formatStatus } from "../../run/sessions/status-report.js";
import type { RunStore } from "../../run/store/run-store.js";
import { parseCommandLine, usageError } from "../command-line.js";
import { findRun } from "../find-run.js";
import type { CliIO } from "../io.js";
import { cliCatalogResolver } from "../project-catalog.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx status --help`. */
export const usage = `Usage: rbx status [RUN] [--follow] [--json] [--preview-rollback] [--store URL | --state-dir DIR]

Fold a run's journal (the newest run when RUN is omitted; a unique prefix is enough) and show: its state,
the phase and step reached, the last rollback boundary entered, what a rollback would run now, its locks
and who holds them (a halted run keeps them: "held by halted run X, halted at step Y by user@host at T"),
the snapshots it took and where their dumps are, and the recovery choices (resume, approve, settle, skip,
rollback) with the exact commands — the same ones the live view and \`rbx report\` print. A run that is
still running gets no choices: who runs it and how to follow it. The journal's hash chain is verified; an
edited or truncated journal is reported.

For each step a rollback would run, it says whether the step will run or be skipped (and why), from its
\`when\` over the journal, and says plainly when the rollback would not restore the database. A condition that
reads a step the rollback runs first (a restore decided by reading the ledger and the schema now) cannot be told
yet; --preview-rollback runs those read-only steps now, journaling nothing, and decides it (the run's secrets
must be in the environment, as for rbx resume).

  --follow   then show the run's events live, as the run's own progress view does, until it ends (completed,
             rolled back, failed) — also a run driven from another machine (the PostgreSQL store announces new
             events with NOTIFY). A halted run is followed on: whoever resumes it, its steps appear here.
  --json     the report as JSON (with --follow: then one JSON event per line)
  --preview-rollback  run the rollback's read-only steps now (nothing journaled) to decide its conditions
  --store URL     a PostgreSQL run store (also RBX_STORE, or \`store:\` in .rbx.yaml)
  --state-dir DIR the file store (default .rbx, or RBX_STATE_DIR)

Exit status: 0 shown (even when the journal does not verify: the report says so), 1 the store cannot be
read, 2 no such run.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = {
    json: { type: "boolean" },
    follow: { type: "boolean" },
    "preview-rollback": { type: "boolean" },
    ...storeOptions,
  } as const;
  const parsed = parseCommandLine("status", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length > 1) return usageError(io, "status", "give at most one run id");
  return withStore("status", io, values, 1, async (store, choice) => {
    const id = await findRun(store, positionals[0]);
    const env = { ...io.env, RBX_SNAPSHOTS_DIR: choice.snapshotsDir };
    const live = values["preview-rollback"]
      ? { signal: AbortSignal.timeout(300_000), say: (l: string) => io.stderr.write(`${l}\n`) }
      : undefined;
    const report = await inspectRun(store, id, io.cwd, cliCatalogResolver(), values["state-dir"], env, live);
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    if (!values.follow) return 0;
    return follow(store, id, io, values.json ?? false, values["state-dir"]);
  });
}

/** Show the run's events live with the run's own renderers until it stops, its driver is gone, or Ctrl-C. */
async function follow(
  store: RunStore,
  runId: string,
  io: CliIO,
  json: boolean,
  stateDir: string | undefined,
): Promise<number> {
  const { createProgress } = await import("../../progress/create.js");
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let observer: ReturnType<typeof createProgress> | undefined;
  try {
    const end = await followRun(
      store,
      runId,
      (events) => {
        if (!observer) {
          // The journal so far primes the view (it names the run and explains a later halt); the current stretch
          // of the run is shown, so steps running now appear as running.
          const cut = events.findLastIndex((e) => e.type === "run.started" || e.type === "run.resumed");
          const history = events.slice(0, Math.max(0, cut));
          observer = createProgress({
            stdout: io.stdout,
            stderr: json ? io.stderr : io.stdout,
            env: io.env,
            json,
            quiet: json,
            history,
            ...(stateDir ? { stateDir } : {}),
          });
          io.stdout.write(json ? "" : `following run ${runId} (Ctrl-C stops following, not the run)\n`);
          for (const e of events.slice(Math.max(0, cut))) observer.onEvent(e);
          return;
        }
        for (const e of events) observer.onEvent(e);
      },
      controller.signal,
      (why, state) => {
        if (json) return;
        const words =
          why === "crashed"
            ? "nothing holds it and its journal stops mid-run: its driver crashed or was killed"
            : `${why}${state.halt ? ` (${state.halt.reason})` : ""}`;
        io.stdout.write(
          `run ${runId} is ${words}; still following until someone resumes it (Ctrl-C stops following)\n`,
        );
      },
    );
    observer?.close();
    observer = undefined;
    if (json) return 0;
    switch (end.ended) {
      case "stopped":
        io.stdout.write(`run ${runId} ${end.state.status}\n`);
        return 0;
      case "lost":
        io.stderr.write(`rbx status: stopped following run ${runId}: ${end.problem}\n`);
        return 1;
      default:
        return 0;
    }
  } finally {
    observer?.close();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
