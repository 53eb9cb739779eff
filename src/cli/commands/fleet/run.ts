// `rbx fleet run`: check every target's plan, record the fleet in the store, then drive it.
import { resolve } from "node:path";
import type { ExecutorName } from "../../../fleet/executor.js";
import { EXECUTORS } from "../../../fleet/executor.js";
import { planFleet } from "../../../fleet/fleet-plan.js";
import type { FleetOptions } from "../../../fleet/fleet-store.js";
import { prepareRunbook } from "../../../run/bind/prepare.js";
import { isRunId } from "../../../run/store/run-ids.js";
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { currentUser } from "../../operator.js";
import { cliCatalog } from "../../project-catalog.js";
import { drive } from "./drive.js";
import { executorFor } from "./executor-choice.js";
import { driveFlags, kubeFlags, rateFlags, storeFlags } from "./flags.js";
import { loadFleet } from "./load-fleet.js";
import { openFleetStore, storeFailure } from "./open-store.js";
import { rates, resolved } from "./rates.js";
import { usage } from "./usage.js";

function newFleetId(name: string): string {
  const iso = new Date().toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  return `${name}-${stamp}-${Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, "0")}`;
}

export async function runFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet run", argv, { ...storeFlags, ...rateFlags, ...driveFlags }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet run: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const r = rates(values, true, io);
  if (!r) return 2;
  const executorName = (values.executor ?? "local") as ExecutorName;
  if (!EXECUTORS.includes(executorName)) {
    io.stderr.write(`rbx fleet run: --executor is local or kubernetes; got "${values.executor}"\n`);
    return 2;
  }
  const hae = values["halts-are-errors"] ?? "true";
  if (hae !== "true" && hae !== "false") {
    io.stderr.write(`rbx fleet run: --halts-are-errors is true or false; got "${hae}"\n`);
    return 2;
  }
  if (executorName === "kubernetes" && !values["job-namespace"]) {
    io.stderr.write(
      "rbx fleet run: --executor kubernetes needs --job-namespace NS: where each target's Job is created\n",
    );
    return 2;
  }
  const loaded = await loadFleet(io, values.fleet, values.selector);
  if (!loaded) return 2;
  const runbookPath = resolve(io.cwd, positionals[0] as string);
  // The runbook's project catalog (its .rbx.yaml's action modules), as rbx run uses it.
  const catalog = await cliCatalog("fleet run", io, { near: runbookPath });
  if (!catalog) return 2;
  const prepared = prepareRunbook(runbookPath, io.cwd, catalog);
  if (!prepared.ok) {
    io.stderr.write(prepared.message);
    return 2;
  }
  if (prepared.warnings) io.stderr.write(prepared.warnings);
  const { fleet } = loaded;
  const limits = resolved(r, fleet.targets.length);
  // Every target's params are bound before anything starts: one bad target refuses the fleet, not halfway.
  const plan = planFleet(prepared, fleet.targets, io.env, catalog, { ...limits, canary: r.canary });
  const bad = plan.targets.filter((t) => t.problems.length > 0);
  if (bad.length > 0) {
    for (const t of bad.slice(0, 20))
      io.stderr.write(`rbx fleet run: target ${t.name}: ${t.problems.join("; ")}\n`);
    if (bad.length > 20) io.stderr.write(`rbx fleet run: … and ${bad.length - 20} more target(s)\n`);
    io.stderr.write("rbx fleet run: nothing started; `rbx fleet plan` shows every target's plan\n");
    return 2;
  }
  const fleetId = values["fleet-id"] ?? newFleetId(fleet.name);
  if (!isRunId(fleetId)) {
    io.stderr.write(`rbx fleet run: "${fleetId}" is not a fleet id: use letters, digits, ".", "_" and "-"\n`);
    return 2;
  }
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  const k8s = kubeFlags(values);
  const executor = await executorFor(executorName, io, opened.runs, k8s, opened.choice.snapshotsDir);
  if (typeof executor === "string") {
    io.stderr.write(`rbx fleet run: ${executor}\n`);
    await opened.fleets.close();
    await opened.runs.close();
    return 2;
  }
  try {
    const options: FleetOptions = {
      ...r,
      haltsAreErrors: hae === "true",
      executor: executorName,
      approve: values.approve ?? [],
      approveAll: values["approve-all"] ?? false,
      cwd: io.cwd,
      targets: fleet.targets.length,
      ...limits,
      planHashes: Object.fromEntries(plan.targets.map((t) => [t.name, t.planHash ?? ""])),
      ...(executorName === "kubernetes" ? { kubernetes: k8s } : {}),
    };
    const { thisController } = await import("../../../fleet/fleet-store.js");
    const token = await opened.fleets.create(
      {
        fleetId,
        name: fleet.name,
        runbook: runbookPath,
        runbookText: prepared.text,
        fleetText: loaded.text,
        options,
        targets: fleet.targets.map((t, i) => ({
          name: t.name,
          canary: i < r.canary,
          spec: { params: t.params, labels: t.labels, env: t.env },
        })),
      },
      thisController(currentUser(io.env)),
      opened.choice.leaseMs ?? opened.runs.leaseMs,
    );
    io.stderr.write(
      `fleet ${fleetId}: ${fleet.targets.length} target(s), at most ${limits.concurrency} at once, halting once more than ${limits.errorsAllowed} fail${r.canary ? `; canary wave of ${r.canary} first` : ""}\n`,
    );
    return await drive(io, opened, fleetId, token, options, runbookPath, executor);
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
