// `rbx fleet approve`: a person's approval of a step recorded in every target run waiting for it.
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { currentUser } from "../../operator.js";
import { cliSession } from "../../operator-session.js";
import { storeFlags } from "./flags.js";
import { openFleetStore, storeFailure } from "./open-store.js";
import { usage } from "./usage.js";

export async function approveFleet(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet approve", argv, { ...storeFlags }, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    io.stderr.write(`rbx fleet approve: give the fleet id and the step\n${usage}`);
    return 2;
  }
  const [fleetId, step] = positionals as [string, string];
  const opened = await openFleetStore(io, values);
  if (!opened) return 2;
  try {
    const waiting = await opened.fleets.targets(fleetId, ["waiting-approval"]);
    if (waiting.length === 0) {
      io.stderr.write(`rbx fleet approve: no target of fleet ${fleetId} waits for an approval\n`);
      return 2;
    }
    const { approveStep } = await import("../../../run/sessions/approve-step.js");
    const controller = new AbortController();
    const opts = cliSession(
      io,
      opened.runs,
      opened.choice,
      values["state-dir"] ? { stateDir: values["state-dir"] } : {},
      controller.signal,
      () => "SIGINT",
    );
    let approved = 0;
    for (const t of waiting) {
      if (!t.runId) continue;
      const r = await approveStep(t.runId, step, opts);
      if (r.exit === 0) approved++;
      io.stderr.write(
        `${t.name}: ${r.exit === 0 ? `approved ${step} in run ${t.runId}` : `not approved (run ${t.runId})`}\n`,
      );
    }
    await opened.fleets.note(fleetId, "fleet.approved", null, { step, approved, by: currentUser(io.env) });
    io.stderr.write(
      `${approved} of ${waiting.length} waiting target(s) approved; \`rbx fleet resume ${fleetId}\` continues them\n`,
    );
    return approved > 0 ? 0 : 1;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
