// Opening the PostgreSQL store and its fleet tables for a verb, and turning the store's refusals into exit codes.
import type { FleetStore } from "../../../fleet/fleet-store.js";
import { EXIT_CODES } from "../../../run/model/exit-codes.js";
import type { RunStore } from "../../../run/store/run-store.js";
import type { CliIO } from "../../io.js";
import { openStore, type StoreChoice, storeChoice } from "../../operator.js";

/** The PostgreSQL store and the fleet tables, or a refusal (fleets live only in a shared store). */
export async function openFleetStore(
  io: CliIO,
  values: { store?: string; "state-dir"?: string },
): Promise<{ choice: StoreChoice & { url: string }; runs: RunStore; fleets: FleetStore } | undefined> {
  const choice = storeChoice(io, {
    ...(values.store ? { store: values.store } : {}),
    ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
  });
  if ("error" in choice) {
    io.stderr.write(`rbx fleet: ${choice.error}\n`);
    return undefined;
  }
  if (!choice.url) {
    io.stderr.write(
      "rbx fleet: a fleet lives in the PostgreSQL run store, so any machine can follow or resume it: give --store postgres://… (or RBX_STORE, or `store:` in .rbx.yaml)\n",
    );
    return undefined;
  }
  const runs = await openStore(choice);
  // The run store migrates the schema (fleet tables included) on first use.
  await runs.role();
  const { FleetStore } = await import("../../../fleet/fleet-store.js");
  return { choice: choice as StoreChoice & { url: string }, runs, fleets: new FleetStore(choice.url) };
}

export function storeFailure(io: CliIO, err: unknown): number {
  const e = err as Error;
  if (["FleetStoreError", "FleetFencedError", "StoreUnavailableError", "StoreFencedError"].includes(e.name)) {
    io.stderr.write(`rbx fleet: error: ${e.message}\n`);
    return e.name === "FleetFencedError" ? EXIT_CODES.halted : 1;
  }
  throw err;
}
