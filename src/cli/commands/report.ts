// `rbx report RUN`: fold a run's journal into a report for a pull request, an incident ticket or a tool.

import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { systemReason } from "../../diagnostics/system-error.js";
import { foldReport } from "../../report/fold.js";
import { type ReportFormat, renderReport, reportFormats } from "../../report/render.js";
import type { RunEvent } from "../../run/model/events.js";
import type { Runner } from "../../run/model/recovery-choices.js";
import type { PreviewSource } from "../../run/sessions/rollback-preview.js";
import type { JournalRead } from "../../run/store/journal-file.js";
import type { RunStore } from "../../run/store/run-store.js";
import { CliError } from "../cli-error.js";
import { parseCommandLine, usageError } from "../command-line.js";
import { findRun } from "../find-run.js";
import type { CliIO } from "../io.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx report --help`. */
export const usage = `Usage: rbx report RUN [--format md|html|json] [--store URL | --state-dir DIR] [-o OUT]

Report what a run did, from its journal: phases and steps with durations and attempts, key outputs
(secrets are masked in the journal), assertions that did not hold, what was rolled back and why, and,
for a halted or interrupted run, the recovery choices with the exact commands to type.

RUN is a run id (see rbx runs), "last" for the newest run, or the path of a journal (.jsonl).

Formats:
  md     Markdown for a pull request or an incident ticket (the default)
  html   one self-contained page with a timeline of phases and steps (rollback drawn apart)
  json   the report as data (reportVersion 1)

Options:
  --format F       md, html or json (default: from the -o suffix, else md)
  --store URL      a PostgreSQL run store (also RBX_STORE, or \`store:\` in .rbx.yaml)
  --state-dir DIR  where runs are kept (default: .rbx in the working directory, or RBX_STATE_DIR)
  -o, --output OUT write to OUT instead of standard output

Exit status: 0 written, 1 the journal or the store cannot be read, 2 usage error or no such run.
`;

interface Args {
  run: string;
  format?: ReportFormat;
  stateDir?: string;
  store?: string;
  output?: string;
}

const options = {
  format: { type: "string", short: "f" },
  ...storeOptions,
  output: { type: "string", short: "o" },
} as const;

/** The command line as Args, or undefined once the mistake is said. */
function parse(argv: string[], io: CliIO): Args | undefined {
  const parsed = parseCommandLine("report", argv, options, io, { positionals: true });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (values.format !== undefined && !(reportFormats as readonly string[]).includes(values.format)) {
    usageError(io, "report", `unknown format "${values.format}"; use ${reportFormats.join(", ")}`);
    return undefined;
  }
  if (positionals.length !== 1) {
    usageError(io, "report", "give exactly one run id (rbx runs lists them)");
    return undefined;
  }
  return {
    run: positionals[0] as string,
    ...(values.format !== undefined ? { format: values.format as ReportFormat } : {}),
    ...(values["state-dir"] !== undefined ? { stateDir: values["state-dir"] } : {}),
    ...(values.store !== undefined ? { store: values.store } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
  };
}

function formatFor(args: Args): ReportFormat {
  if (args.format) return args.format;
  if (args.output?.endsWith(".html") || args.output?.endsWith(".htm")) return "html";
  if (args.output?.endsWith(".json")) return "json";
  return "md";
}

/** Where the journal is: a run of the store (id, unique prefix, "last"), or a journal file when there is none. */
type JournalAt = { store: RunStore; runId: string } | { path: string };

async function locate(args: Args, io: CliIO, store: RunStore | undefined): Promise<JournalAt> {
  if (store) return { store, runId: await findRun(store, args.run) };
  const path = resolve(io.cwd, args.run);
  if (!existsSync(path)) throw new CliError(`no run journal at ${path}`);
  return { path };
}

/** The journal's first event, read alone (unverified: the whole journal is verified when it is read). */
async function firstEvent(at: JournalAt): Promise<RunEvent | undefined> {
  if ("store" in at) return at.store.firstEvent(at.runId);
  const { readFirstEvent } = await import("../../run/store/journal-file.js");
  return readFirstEvent(at.path);
}

/** Read the journal, and whether a process still runs it (from a store). */
async function readRun(at: JournalAt): Promise<{ read: JournalRead; runner?: Runner }> {
  if (!("store" in at)) {
    const { readJournalFile } = await import("../../run/store/journal-file.js");
    return { read: readJournalFile(at.path) };
  }
  const read = await at.store.read(at.runId);
  const { foldEvents } = await import("../../run/model/state.js");
  const { runnerOfRun } = await import("../../run/sessions/inspect.js");
  // Whether a process still runs it, so a live run gets no recovery choices (as in `rbx status`).
  return { read, runner: await runnerOfRun(at.store, foldEvents(at.runId, read.events)) };
}

/** Write the report; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parse(argv, io);
  if (!args) return 2;
  if (args.run.endsWith(".jsonl")) return write(args, io, undefined);
  const values = {
    ...(args.store ? { store: args.store } : {}),
    ...(args.stateDir ? { "state-dir": args.stateDir } : {}),
  };
  return withStore("report", io, values, 1, (store) => write(args, io, store));
}

/** Read the run (from the store, or a journal file when there is none) and write its report; the exit code. */
async function write(args: Args, io: CliIO, store: RunStore | undefined): Promise<number> {
  const { previewRollback, previewSource } = await import("../../run/sessions/rollback-preview.js");
  const { cliCatalogResolver } = await import("../project-catalog.js");
  const catalogs = cliCatalogResolver();
  const unreadable = (err: unknown): number => {
    if (err instanceof CliError) throw err;
    io.stderr.write(`rbx report: cannot read the journal: ${systemReason(err)}\n`);
    return 1;
  };
  let at: JournalAt;
  let alone: RunEvent | undefined;
  try {
    at = await locate(args, io, store);
    alone = await firstEvent(at);
  } catch (err) {
    return unreadable(err);
  }
  // The rollback preview's runbook loads first, from the journal's first event: its YAML parse is this
  // command's peak of memory, and nothing of the journal is held beside it then (a 5,000-step run: ~10,000
  // events, their folded state, then the folded report, larger than the events).
  let source: PreviewSource | undefined;
  if (alone?.type === "run.started") source = await previewSource(alone, io.cwd, catalogs);
  let found: Awaited<ReturnType<typeof readRun>>;
  try {
    found = await readRun(at);
  } catch (err) {
    return unreadable(err);
  }
  const { read } = found;
  const first = read.events[0];
  if (first?.type !== "run.started") {
    io.stderr.write("rbx report: the journal holds no verified run.started event; nothing to report\n");
    return 1;
  }
  // A first line that could not be read alone (longer than the limit): the verified journal names the runbook.
  if (alone?.type !== "run.started") source = await previewSource(first, io.cwd, catalogs);
  const { foldEvents } = await import("../../run/model/state.js");
  const state = foldEvents(first.runId, read.events);
  const preview = source
    ? await previewRollback(state, source.program, source.catalog, { env: io.env })
    : undefined;
  const report = foldReport(read.events, {
    ...(args.stateDir ? { stateDir: args.stateDir } : {}),
    ...(found.runner ? { runner: found.runner } : {}),
  });
  if (preview) report.rollbackPreview = preview;
  for (const p of read.problems) {
    report.notes.push(
      `journal integrity: ${p.message}; the report covers the ${read.events.length} events that verify`,
    );
    io.stderr.write(`rbx report: warning: ${p.message}\n`);
  }
  if (read.tornBytes > 0)
    report.notes.push(
      `the journal ends with a torn line (${read.tornBytes} bytes) from a crash; it was ignored`,
    );
  const text = renderReport(report, formatFor(args));
  if (args.output !== undefined) await writeFile(resolve(io.cwd, args.output), text);
  else io.stdout.write(text);
  return 0;
}
