// `rbx fleet status`: a fleet's counts and the targets that need a person, read from the store at any size.
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { storeFlags } from "./flags.js";
import { openFleetStore, storeFailure } from "./open-store.js";
import { usage } from "./usage.js";

export async function statusFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet status",
    argv,
    { ...storeFlags, json: { type: "boolean" }, all: { type: "boolean" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet status: give the fleet id\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(
        `rbx fleet status: no fleet "${fleetId}" in ${opened.fleets.location}; \`rbx fleet list\` lists them\n`,
      );
      return 2;
    }
    const counts = await opened.fleets.counts(fleetId);
    // At any size, status reads the counts and only the targets that need a person (bounded unless --all).
    const notable = await opened.fleets.targets(
      fleetId,
      values.all ? undefined : ["running", "failed", "halted", "waiting-approval", "interrupted"],
    );
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ fleet: { ...row, runbookText: undefined, fleetText: undefined }, counts, targets: notable }, null, 2)}\n`,
      );
      return 0;
    }
    const o = row.options;
    const c = row.controller;
    const lines = [
      `Fleet ${fleetId}: ${row.status}${row.message ? ` — ${row.message}` : ""}`,
      `  runbook     ${row.runbook}`,
      `  rate        max-concurrency ${o.maxConcurrency} (${o.concurrency} at once), max-errors ${o.maxErrors} (halts when more than ${o.errorsAllowed} fail)${o.canary ? `, canary ${o.canary}` : ""}; executor ${o.executor}`,
      `  controller  ${c ? `${c.user}@${c.host} pid ${c.pid} since ${c.since}${row.controllerAlive ? " (live)" : " (not running)"}` : "none"}`,
      `  targets     ${o.targets}: ${Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(", ")}`,
    ];
    const shown = notable.slice(0, 200);
    for (const t of shown) {
      lines.push(
        `  ${t.state.padEnd(17)} ${t.name.padEnd(24)} ${t.runId ?? ""}${t.message ? `  ${t.message}` : ""}`,
      );
    }
    if (notable.length > shown.length)
      lines.push(`  … ${notable.length - shown.length} more (--json lists them all)`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
