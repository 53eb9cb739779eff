// Loading a Fleet document and selecting its targets, its problems printed: shared by `fleet run` and `fleet plan`.
import { resolve } from "node:path";
import { useColor } from "../../../diagnostics/color.js";
import { formatDiagnostics } from "../../../diagnostics/format.js";
import { type Fleet, loadFleetFile, selectTargets } from "../../../fleet/fleet-document.js";
import type { CliIO } from "../../io.js";

/** Load the fleet document and select its targets; problems are printed. */
export async function loadFleet(
  io: CliIO,
  file: string | undefined,
  selector: string | undefined,
): Promise<{ fleet: Fleet; text: string } | undefined> {
  if (!file) {
    io.stderr.write("rbx fleet: give the fleet document with --fleet FLEET.yaml\n");
    return undefined;
  }
  const path = resolve(io.cwd, file);
  const loaded = await loadFleetFile(path);
  if (loaded.diagnostics.length > 0) {
    io.stderr.write(
      await formatDiagnostics(loaded.diagnostics, () => loaded.source, {
        color: useColor(io.stderr, io.env),
      }),
    );
  }
  if (!loaded.fleet) return undefined;
  const picked = selectTargets(loaded.fleet.targets, selector);
  if ("error" in picked) {
    io.stderr.write(`rbx fleet: ${picked.error}\n`);
    return undefined;
  }
  if (picked.length === 0) {
    io.stderr.write(`rbx fleet: --selector ${selector} matches no target of ${file}\n`);
    return undefined;
  }
  return { fleet: { ...loaded.fleet, targets: picked }, text: loaded.source.text };
}
