// `rbx fleet resume`: take a stopped fleet's lease, requeue what can go again, and drive it on.
import type { ExecutorName } from "../../../fleet/executor.js";
import type { FleetOptions, TargetState } from "../../../fleet/fleet-store.js";
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { currentUser } from "../../operator.js";
import { drive } from "./drive.js";
import { executorFor } from "./executor-choice.js";
import { driveFlags, kubeFlags, rateFlags, storeFlags } from "./flags.js";
import { openFleetStore, storeFailure } from "./open-store.js";
import { rates, resolved } from "./rates.js";
import { usage } from "./usage.js";

/** How many stopped targets one fenced commit requeues. */
const REQUEUE_BATCH = 1000;

export async function resumeFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet resume", argv, { ...storeFlags, ...rateFlags, ...driveFlags }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx fleet resume: give the fleet id\n${usage}`);
    return 2;
  }
  const fleetId = positionals[0] as string;
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const row = await opened.fleets.fleet(fleetId);
    if (!row) {
      io.stderr.write(
        `rbx fleet resume: no fleet "${fleetId}" in ${opened.fleets.location}; \`rbx fleet list\` lists them\n`,
      );
      return 2;
    }
    const executor = await executorFor(
      row.options.executor as ExecutorName,
      io,
      opened.runs,
      {
        ...(row.options.kubernetes ?? {}),
        ...kubeFlags(values),
      },
      opened.choice.snapshotsDir,
    );
    if (typeof executor === "string") {
      io.stderr.write(`rbx fleet resume: ${executor}\n`);
      return 2;
    }
    const changed = rates(
      {
        "max-concurrency": values["max-concurrency"] ?? row.options.maxConcurrency,
        "max-errors": values["max-errors"] ?? row.options.maxErrors,
        ...(values.canary ? { canary: values.canary } : { canary: String(row.options.canary) }),
      },
      false,
      io,
    );
    if (!changed) return 2;
    const options: FleetOptions = {
      ...row.options,
      ...changed,
      ...resolved(changed, row.options.targets),
      approve: [...row.options.approve, ...(values.approve ?? [])],
      approveAll: row.options.approveAll || (values["approve-all"] ?? false),
    };
    const { thisController } = await import("../../../fleet/fleet-store.js");
    const claim = await opened.fleets.claim(
      fleetId,
      thisController(currentUser(io.env)),
      opened.choice.leaseMs ?? opened.runs.leaseMs,
      values.force ?? false,
    );
    if ("missing" in claim) {
      io.stderr.write(`rbx fleet resume: no fleet "${fleetId}"\n`);
      return 2;
    }
    if ("heldBy" in claim) {
      const h = claim.heldBy;
      io.stderr.write(
        `rbx fleet resume: fleet ${fleetId} is driven by ${h.user}@${h.host} (pid ${h.pid}) since ${h.since}, whose lease is live; \`rbx fleet status ${fleetId}\` follows it (--force takes it over; the other controller stops at its next write)\n`,
      );
      return 2;
    }
    const { token } = claim;
    // Halted, interrupted and approval-waiting targets go back to pending: the controller resumes their runs.
    const again: TargetState[] = [
      "halted",
      "interrupted",
      "waiting-approval",
      ...(values["retry-failed"] ? (["failed"] as const) : []),
    ];
    // Requeued a thousand to a fenced commit, not one commit each: a fleet of 10,000 halted at a bad release.
    const stopped = await opened.fleets.targets(fleetId, again);
    for (let i = 0; i < stopped.length; i += REQUEUE_BATCH) {
      await opened.fleets.moveTargets(
        fleetId,
        token,
        stopped.slice(i, i + REQUEUE_BATCH).map((t) => ({
          name: t.name,
          from: [t.state],
          to: "pending" as const,
          fields: { message: null },
          event: { type: "target.requeued" as const, body: { from: t.state, runId: t.runId } },
        })),
      );
    }
    await opened.fleets.note(fleetId, "fleet.options", null, { options });
    await opened.fleets.setStatus(fleetId, token, "running", null, false);
    return await drive(io, opened, fleetId, token, options, row.runbook, executor);
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
