// `rbx fleet run|resume|status|list|report|approve|plan`: one runbook on many targets at a controlled rate,
// every target an ordinary run, the fleet journaled in the PostgreSQL store and picked up after a crash.
// This file is the dispatcher; each verb lives in its own file beside it.
import { didYouMean } from "../../../diagnostics/did-you-mean.js";
import { parseCommandLine, usageError } from "../../command-line.js";
import type { CliIO } from "../../io.js";
import { approveFleet } from "./approve.js";
import { driveFlags, rateFlags, storeFlags } from "./flags.js";
import { listFleets } from "./list.js";
import { planCommand } from "./plan.js";
import { reportFleet } from "./report.js";
import { resumeFleet } from "./resume.js";
import { runFleet } from "./run.js";
import { statusFleet } from "./status.js";

export { usage } from "./usage.js";

const SUBCOMMANDS = ["run", "plan", "resume", "status", "list", "report", "approve"];

/** Every option of every fleet subcommand: an option given before the subcommand is read as they are. */
const allOptions = {
  ...storeFlags,
  ...rateFlags,
  ...driveFlags,
  json: { type: "boolean" },
  all: { type: "boolean" },
  format: { type: "string" },
  out: { type: "string" },
} as const;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) return usageError(io, "fleet", `give what to do: ${SUBCOMMANDS.join(", ")}`);
  if (sub.startsWith("-")) {
    if (!parseCommandLine("fleet", argv, allOptions, io, { positionals: true })) return 2;
    return usageError(io, "fleet", `give what to do first: ${SUBCOMMANDS.join(", ")}`);
  }
  switch (sub) {
    case "run":
      return runFleet(io, rest);
    case "resume":
      return resumeFleet(io, rest);
    case "status":
      return statusFleet(io, rest);
    case "list":
      return listFleets(io, rest);
    case "report":
      return reportFleet(io, rest);
    case "approve":
      return approveFleet(io, rest);
    case "plan":
      return planCommand(io, rest);
    default:
      return usageError(io, "fleet", `unknown fleet command "${sub}".${didYouMean(sub, SUBCOMMANDS)}`);
  }
}
