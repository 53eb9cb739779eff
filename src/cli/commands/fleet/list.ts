// `rbx fleet list`: every fleet in the store, one line each.
import { parseCommandLine } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { storeFlags } from "./flags.js";
import { openFleetStore, storeFailure } from "./open-store.js";

export async function listFleets(io: CliIO, argv: string[]): Promise<number> {
  const parsed = parseCommandLine("fleet list", argv, { ...storeFlags, json: { type: "boolean" } }, io);
  if (!parsed) return 2;
  const opened = await openFleetStore(io, parsed.values);
  if (!opened) return 2;
  try {
    const all = await opened.fleets.list();
    if (parsed.values.json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else if (all.length === 0) io.stdout.write(`No fleets in ${opened.fleets.location}.\n`);
    else {
      for (const f of all) {
        io.stdout.write(
          `${f.fleetId}  ${f.status.padEnd(22)} ${f.targets} targets, ${f.succeeded} succeeded, ${f.failed} failed or halted  (${f.createdAt})\n`,
        );
      }
    }
    return 0;
  } catch (err) {
    return storeFailure(io, err);
  } finally {
    await opened.fleets.close();
    await opened.runs.close();
  }
}
