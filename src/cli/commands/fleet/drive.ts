// Driving a fleet this process holds under Ctrl-C handling: shared by `fleet run` and `fleet resume`.
import type { FleetExecutor } from "../../../fleet/executor.js";
import type { FleetOptions } from "../../../fleet/fleet-store.js";
import type { CliIO } from "../../io.js";
import { interruptOnSignals } from "../../signals.js";
import { exitFor } from "./exit-codes.js";
import type { openFleetStore } from "./open-store.js";

const say = (io: CliIO) => (line: string) => io.stderr.write(`${line}\n`);

/** Drive a fleet this process holds, under Ctrl-C handling; prints the outcome and returns the exit code. */
export async function drive(
  io: CliIO,
  opened: NonNullable<Awaited<ReturnType<typeof openFleetStore>>>,
  fleetId: string,
  token: number,
  options: FleetOptions,
  runbook: string,
  executor: FleetExecutor,
): Promise<number> {
  const { driveFleet } = await import("../../../fleet/controller.js");
  const signals = interruptOnSignals();
  try {
    const outcome = await driveFleet({
      fleets: opened.fleets,
      runs: opened.runs,
      executor,
      fleetId,
      token,
      leaseMs: opened.choice.leaseMs ?? opened.runs.leaseMs ?? 30_000,
      options,
      runbook,
      storeUrl: opened.choice.url,
      stateDir: opened.choice.stateDir,
      env: io.env,
      say: say(io),
      signal: signals.signal,
    });
    io.stderr.write(`fleet ${fleetId} ${outcome.status}: ${outcome.message}\n`);
    io.stdout.write(`${fleetId} ${outcome.status}\n`);
    return exitFor(outcome.status);
  } finally {
    signals.dispose();
    (executor as { close?: () => void }).close?.();
  }
}
