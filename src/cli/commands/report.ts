// `rbx report RUN`: fold a run's journal into a report for a pull request, an incident ticket or a tool.

import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { foldReport } from "../../report/fold.js";
import { type ReportFormat, renderReport, reportFormats } from "../../report/render.js";
import type { Runner } from "../../run/model/recovery-choices.js";
import type { JournalRead } from "../../run/store/journal-file.js";
import type { RunStore } from "../../run/store/run-store.js";
import type { CliIO } from "../io.js";
import { withStore } from "../run-options.js";

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

Exit status: 0 written, 1 the run or its journal cannot be read, 2 usage error.
`;

interface Args {
  run: string;
  format?: ReportFormat;
  stateDir?: string;
  store?: string;
  output?: string;
}

function parse(argv: string[]): Args | string {
  const positional: string[] = [];
  const out: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takes = ["--format", "-f", "--state-dir", "--store", "-o", "--output"].includes(flag);
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
    else if (flag === "--store") out.store = value;
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

/** Find and read the journal in the store: "last", or an id. */
async function readRun(
  args: Args,
  store: RunStore,
): Promise<{ read: JournalRead; runner?: Runner } | string> {
  let id = args.run;
  if (id === "last" || id === "latest") {
    const ids = await store.list();
    const newest = ids[ids.length - 1];
    if (newest === undefined)
      return `no runs in ${store.location}; give --state-dir or --store if they are kept elsewhere`;
    id = newest;
  } else if (!(await store.list()).includes(id)) {
    return `no run "${id}" in ${store.location}; rbx runs lists the runs there (or give --state-dir or --store)`;
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
  if (args.run.endsWith(".jsonl")) {
    let found: { read: JournalRead } | string;
    try {
      const { readJournalFile } = await import("../../run/store/journal-file.js");
      found = { read: readJournalFile(resolve(io.cwd, args.run)) };
    } catch (err) {
      found = `cannot read the journal: ${err instanceof Error ? err.message : String(err)}`;
    }
    return write(args, found, io);
  }
  return withStore(
    "report",
    io,
    {
      ...(args.store ? { store: args.store } : {}),
      ...(args.stateDir ? { "state-dir": args.stateDir } : {}),
    },
    1,
    async (store) => write(args, await readRun(args, store), io),
  );
}

/** Write the report of a journal read (or say why there is none); returns the exit code. */
async function write(
  args: Args,
  found: { read: JournalRead; runner?: Runner } | string,
  io: CliIO,
): Promise<number> {
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
