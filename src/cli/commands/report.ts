// `rbx report RUN`: fold a run's journal into a report for a pull request, an incident ticket or a tool.

import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { foldReport } from "../../report/fold.js";
import { type ReportFormat, renderReport, reportFormats } from "../../report/render.js";
import type { Runner } from "../../run/model/recovery-choices.js";
import type { JournalRead } from "../../run/store/journal-file.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx report --help`. */
export const usage = `Usage: rbx report RUN [--format md|html|json] [--state-dir DIR] [-o OUT]

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
  --state-dir DIR  where runs are kept (default: .rbx in the working directory, or RBX_STATE_DIR)
  -o, --output OUT write to OUT instead of standard output

Exit status: 0 written, 1 the run or its journal cannot be read, 2 usage error.
`;

interface Args {
  run: string;
  format?: ReportFormat;
  stateDir?: string;
  output?: string;
}

function parse(argv: string[]): Args | string {
  const positional: string[] = [];
  const out: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takes = ["--format", "-f", "--state-dir", "-o", "--output"].includes(flag);
    if (!takes) {
      if (arg.startsWith("-") && arg !== "-") return `unknown option "${arg}"`;
      positional.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === "--format" || flag === "-f") {
      if (!(reportFormats as readonly string[]).includes(value))
        return `unknown format "${value}"; use ${reportFormats.join(", ")}`;
      out.format = value as ReportFormat;
    } else if (flag === "--state-dir") out.stateDir = value;
    else out.output = value;
  }
  if (positional.length !== 1) return "give exactly one run id (rbx runs lists them)";
  return { ...out, run: positional[0]! } as Args;
}

function formatFor(args: Args): ReportFormat {
  if (args.format) return args.format;
  if (args.output?.endsWith(".html") || args.output?.endsWith(".htm")) return "html";
  if (args.output?.endsWith(".json")) return "json";
  return "md";
}

/** Find and read the journal: a path, "last", or an id in the state directory. */
async function readRun(args: Args, io: CliIO): Promise<{ read: JournalRead; runner?: Runner } | string> {
  if (args.run.endsWith(".jsonl")) {
    const { readJournalFile } = await import("../../run/store/journal-file.js");
    return { read: readJournalFile(resolve(io.cwd, args.run)) };
  }
  const { FileRunStore } = await import("../../run/store/file-store.js");
  const stateDir = resolve(io.cwd, args.stateDir ?? io.env.RBX_STATE_DIR ?? ".rbx");
  const store = new FileRunStore(stateDir);
  let id = args.run;
  if (id === "last" || id === "latest") {
    const ids = await store.list();
    const newest = ids[ids.length - 1];
    if (newest === undefined) return `no runs in ${stateDir}; give --state-dir if they are kept elsewhere`;
    id = newest;
  } else if (!(await store.list()).includes(id)) {
    return `no run "${id}" in ${stateDir}; rbx runs lists the runs there (or give --state-dir)`;
  }
  const read = await store.read(id);
  const { foldEvents } = await import("../../run/model/state.js");
  const { runnerOfRun } = await import("../../run/sessions/inspect.js");
  // Whether a process still runs it, so a live run gets no recovery choices (as in `rbx status`).
  return { read, runner: await runnerOfRun(store, foldEvents(id, read.events)) };
}

/** Write the report; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parse(argv);
  if (typeof args === "string") {
    io.stderr.write(`rbx report: ${args}\n${usage}`);
    return 2;
  }
  let found: Awaited<ReturnType<typeof readRun>>;
  try {
    found = await readRun(args, io);
  } catch (err) {
    found = `cannot read the journal: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (typeof found === "string") {
    io.stderr.write(`rbx report: ${found}\n`);
    return 1;
  }
  const { read } = found;
  if (read.events.length === 0 || read.events[0]?.type !== "run.started") {
    io.stderr.write("rbx report: the journal holds no verified run.started event; nothing to report\n");
    return 1;
  }
  const report = foldReport(read.events, {
    ...(args.stateDir ? { stateDir: args.stateDir } : {}),
    ...(found.runner ? { runner: found.runner } : {}),
  });
  const { previewFromJournal } = await import("../../run/sessions/rollback-preview.js");
  const { builtinCatalog } = await import("../../builtins/index.js");
  const preview = previewFromJournal(report.runId, read.events, io.cwd, builtinCatalog, io.env);
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
