// `rbx runs`: every run in the store with the state it reached; with --watch, every run's events live.

import type { RunEvent } from "../../run/model/events.js";
import { watchRuns } from "../../run/sessions/follow-run.js";
import { listRuns, type RunListing } from "../../run/sessions/inspect.js";
import type { RunStore } from "../../run/store/run-store.js";
import { parseCommandLine } from "../command-line.js";
import type { CliIO } from "../io.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx runs --help`. */
export const usage = `Usage: rbx runs [--watch] [--json] [--store URL | --state-dir DIR]

List the runs in the store (a PostgreSQL store with --store, RBX_STORE or \`store:\` in .rbx.yaml; else the
state directory, default .rbx or RBX_STATE_DIR), oldest first: run id, runbook and version, state
(completed, rolled-back, failed, halted, interrupted, crashed, running, or not started: no start event
yet), start time, and whether the journal verifies (its hash chain is intact), under a header line.

  --watch   then print every run's events as they are committed — runs driven on any machine that shares
            the store — one line each, prefixed by the run id, as the run's own progress view words them
            (Ctrl-C stops watching)
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(
    "runs",
    argv,
    { json: { type: "boolean" }, watch: { type: "boolean" }, ...storeOptions },
    io,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  return withStore("runs", io, values, 1, async (store) => {
    const runs = await listRuns(store);
    if (values.json && !values.watch) {
      io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (!values.json) printRuns(io, runs, store.location);
    if (!values.watch) return 0;
    return watch(store, io, values.json ?? false);
  });
}

function printRuns(io: CliIO, runs: RunListing[], location: string): void {
  if (runs.length === 0) {
    io.stdout.write(`no runs under ${location}\n`);
    return;
  }
  const rows = [
    ["RUN", "STATE", "RUNBOOK", "STARTED", "JOURNAL"],
    ...runs.map((r) => [
      r.runId,
      r.status,
      r.runbook,
      r.startedAt || "?",
      r.verified ? "verifies" : "DOES NOT VERIFY (rbx status RUN shows where)",
    ]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  for (const row of rows) {
    io.stdout.write(`${row.map((c, i) => (i < 4 ? c.padEnd(widths[i] as number) : c)).join("  ")}\n`);
  }
}

/** Every run's new events, as they are committed, until Ctrl-C or the store is lost. */
async function watch(store: RunStore, io: CliIO, json: boolean): Promise<number> {
  const { LineRenderer } = await import("../../progress/line-renderer.js");
  const { JsonRenderer } = await import("../../progress/json-renderer.js");
  const { paint, useColor } = await import("../../diagnostics/color.js");
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // One view per run, primed with its journal so far: each line is worded as the run's own live view words it.
  const followed = new Map<
    string,
    { at: { seq: number; hash: string }; view: { onEvent(e: RunEvent): void } }
  >();
  const pending = new Set<string>();
  let busy = false;
  const prefixed = (runId: string): NodeJS.WritableStream =>
    ({
      write: (chunk: string) => io.stdout.write(json ? chunk : `${runId}  ${chunk}`),
    }) as unknown as NodeJS.WritableStream;
  const viewFor = (runId: string, history: readonly RunEvent[]) =>
    json
      ? new JsonRenderer({ out: io.stdout })
      : new LineRenderer({ out: prefixed(runId), paint: paint(useColor(io.stdout, io.env)), history });
  const catchUp = async (runId: string) => {
    const known = followed.get(runId);
    if (!known) {
      const read = await store.read(runId);
      // A run first seen now: its latest events (from its last start or resume) are shown.
      const cut = Math.max(
        0,
        read.events.findLastIndex((e) => e.type === "run.started" || e.type === "run.resumed"),
      );
      const view = viewFor(runId, read.events.slice(0, cut));
      for (const e of read.events.slice(cut)) view.onEvent(e);
      followed.set(runId, { at: { seq: read.events.length, hash: read.lastHash }, view });
      return;
    }
    const next = await store.readSince(runId, known.at);
    if (next.problems.length > 0) {
      io.stderr.write(`rbx runs: run ${runId}: ${next.problems.map((p) => p.message).join("; ")}\n`);
      return;
    }
    for (const e of next.events) known.view.onEvent(e);
    known.at = { seq: known.at.seq + next.events.length, hash: next.lastHash };
  };
  const drain = async () => {
    if (busy) return;
    busy = true;
    try {
      while (pending.size > 0 && !controller.signal.aborted) {
        const [runId] = pending;
        pending.delete(runId as string);
        await catchUp(runId as string).catch((err: Error) =>
          io.stderr.write(`rbx runs: run ${runId}: ${err.message}\n`),
        );
      }
    } finally {
      busy = false;
    }
  };
  try {
    // Runs already in the store are known from here on: only what happens next is printed.
    for (const runId of await store.list()) {
      const read = await store.read(runId);
      followed.set(runId, {
        at: { seq: read.events.length, hash: read.lastHash },
        view: viewFor(runId, read.events),
      });
    }
    io.stderr.write(`watching ${store.location} (Ctrl-C stops watching)\n`);
    const end = await watchRuns(
      store,
      (runId) => {
        pending.add(runId);
        void drain();
      },
      controller.signal,
    );
    if (end.problem) {
      io.stderr.write(`rbx runs: stopped watching: ${end.problem}\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
