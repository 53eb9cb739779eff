// `rbx plan FILE`: what a run would do, in order, without side effects — and the hash that pins it.

import { resolve } from "node:path";
import { planRunbook } from "../../run/bind/bind-document.js";
import { formatPlan } from "../../run/bind/plan-text.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { cliCatalog } from "../project-catalog.js";
import { paramOptions, readParams } from "../run-options.js";

export { formatPlan };

/** Shown by `rbx plan --help`. */
export const usage = `Usage: rbx plan FILE [--param NAME=VALUE]... [--params-file F] [--json]

Print, without touching anything, the phases and steps in order, the command or statement each
built-in would run (secrets redacted; values known only at run time show as their template), the
guards and assertions, and each step's rollback posture: what would be unwound if it failed there.
Ends with a plan hash over the document, the params and the resolved commands; \`rbx run --plan-hash H\`
refuses to start when it differs.

Exit status: 0 planned, 2 usage or validation error.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = { ...paramOptions, json: { type: "boolean" } } as const;
  const parsed = parseCommandLine("plan", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usageError(io, "plan", "give exactly one runbook file");
  const params = readParams("plan", values, io);
  if (!params) return 2;
  const file = positionals[0] as string;
  const catalog = await cliCatalog("plan", io, { near: resolve(io.cwd, file) });
  if (!catalog) return 2;
  const plan = planRunbook(file, params, {
    cwd: io.cwd,
    env: io.env,
    catalog,
    say: (l) => io.stderr.write(`${l}\n`),
  });
  if (!plan) return 2;
  io.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return 0;
}
