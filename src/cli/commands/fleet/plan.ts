// `rbx fleet plan`: every target's plan and the rate it would run at, without a store or a start.
import { resolve } from "node:path";
import { formatFleetPlan, planFleet } from "../../../fleet/fleet-plan.js";
import { prepareRunbook } from "../../../run/bind/prepare.js";
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { cliCatalog } from "../../project-catalog.js";
import { rateFlags } from "./flags.js";
import { loadFleet } from "./load-fleet.js";
import { rates, resolved } from "./rates.js";
import { usage } from "./usage.js";

export async function planCommand(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "fleet plan",
    argv,
    { ...rateFlags, fleet: { type: "string" }, selector: { type: "string" }, json: { type: "boolean" } },
    io,
    { positionals: true },
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet plan: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const r = rates(values, false, io);
  if (!r) return 2;
  const loaded = await loadFleet(io, values.fleet, values.selector);
  if (!loaded) return 2;
  const catalog = await cliCatalog("fleet plan", io, { near: resolve(io.cwd, positionals[0] as string) });
  if (!catalog) return 2;
  const prepared = prepareRunbook(positionals[0] as string, io.cwd, catalog);
  if (!prepared.ok) {
    io.stderr.write(prepared.message);
    return 2;
  }
  const plan = planFleet(prepared, loaded.fleet.targets, io.env, catalog, {
    ...resolved(r, loaded.fleet.targets.length),
    canary: r.canary,
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(plan, null, 2)}\n`
      : formatFleetPlan(plan, loaded.fleet.name, positionals[0] as string),
  );
  return plan.targets.some((t) => t.problems.length > 0) ? 2 : 0;
}
