// `rbx fleet report`: the fleet's grid as Markdown or HTML, with --out every run's own report beside it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { storeFlags } from "./flags.js";
import { openFleetStore, storeFailure } from "./open-store.js";
import { usage } from "./usage.js";

export async function reportFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet report",
    argv,
    { ...storeFlags, format: { type: "string" }, out: { type: "string" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const format = values.format ?? "md";
  if (positionals.length !== 1 || (format !== "md" && format !== "html")) {
    io.stderr.write(`rbx fleet report: give the fleet id; --format is md or html\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(`rbx fleet report: no fleet "${fleetId}"\n`);
      return 2;
    }
    const targets = await opened.fleets.targets(fleetId);
    const { fleetHtml, fleetMarkdown } = await import("../../../fleet/fleet-report.js");
    const render = format === "html" ? fleetHtml : fleetMarkdown;
    if (!values.out) {
      // On stdout the links name the command that shows each run's report.
      io.stdout.write(render(row, targets, () => undefined));
      return 0;
    }
    // With --out: the fleet's page and every run's own report beside it, linked from the grid.
    const dir = resolve(io.cwd, values.out);
    mkdirSync(join(dir, "runs"), { recursive: true });
    const { foldReport } = await import("../../../report/fold.js");
    const { renderReport } = await import("../../../report/render.js");
    const { foldEvents } = await import("../../../run/model/state.js");
    const { runnerOfRun } = await import("../../../run/sessions/inspect.js");
    const written = new Set<string>();
    for (const t of targets) {
      if (!t.runId || !(await opened.fleets.runExists(t.runId))) continue;
      const read = await opened.runs.read(t.runId);
      const runner = await runnerOfRun(opened.runs, foldEvents(t.runId, read.events));
      writeFileSync(
        join(dir, "runs", `${t.runId}.${format}`),
        renderReport(foldReport(read.events, { runner }), format),
      );
      written.add(t.runId);
    }
    const file = join(dir, `${fleetId}.${format}`);
    writeFileSync(
      file,
      render(row, targets, (id) => (written.has(id) ? `runs/${id}.${format}` : undefined)),
    );
    io.stderr.write(`wrote ${file} and ${written.size} run report(s) under ${join(dir, "runs")}\n`);
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
