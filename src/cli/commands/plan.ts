// `rbx plan FILE`: what a run would do, in order, without side effects — and the hash that pins it.
import { builtinCatalog } from "../../builtins/index.js";
import { planRunbook } from "../../run/bind/bind-document.js";
import type { RunPlan } from "../../run/bind/plan.js";
import type { CliIO } from "../io.js";
import { paramOptions, parseCommandLine, readParams } from "../run-options.js";

/** Shown by `rbx plan --help`. */
export const usage = `Usage: rbx plan FILE [--param NAME=VALUE]... [--params-file F] [--json]

Print, without touching anything, the phases and steps in order, the command or statement each
built-in would run (secrets redacted; values known only at run time show as their template), the
guards and assertions, and each step's rollback posture: what would be unwound if it failed there.
Ends with a plan hash over the document, the params and the resolved commands; \`rbx run --plan-hash H\`
refuses to start when it differs.

Exit status: 0 planned, 2 usage or validation error.
`;

/** The plan as text. */
export function formatPlan(plan: RunPlan): string {
  const out: string[] = [];
  out.push(`plan for ${plan.runbook.name} ${plan.runbook.version} (${plan.runbook.file})`);
  const params = Object.entries(plan.params).map(
    ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
  );
  if (params.length > 0) out.push(`params: ${params.join(" ")}`);
  if (plan.locks.length > 0) out.push(`locks: ${plan.locks.join(", ")}`);
  for (const g of plan.guards) out.push(`guard: ${g}`);
  for (const phase of plan.phases) {
    out.push("");
    out.push(`phase ${phase.id}${phase.boundary ? " (rollback boundary)" : ""}`);
    for (const s of phase.steps) {
      out.push(`  ${s.key}  ${s.action} [${s.effect}]${s.suite ? ` (check ${s.suite})` : ""}`);
      if (s.when) out.push(`    when ${s.when}`);
      for (const g of s.guards) out.push(`    guard ${g}`);
      for (const e of s.effects)
        out.push(...e.text.split("\n").map((l, i) => `    ${i === 0 ? `${e.kind}: ` : "  "}${l}`));
      if (s.retry) out.push(`    retry ${s.retry}`);
      if (s.timeout) out.push(`    timeout ${s.timeout}`);
      for (const a of s.expect) out.push(`    expect ${a}`);
      if (s.verify) out.push(`    verify with ${s.verify} on resume`);
      const posture =
        s.onFailure.policy === "halt"
          ? "halt here"
          : s.onFailure.unwinds.length > 0
            ? `roll back ${s.onFailure.unwinds.join(", ")}`
            : "fail (no boundary entered, nothing to undo)";
      out.push(`    on failure: ${posture}`);
    }
    if (phase.rollback.length > 0) {
      out.push(`  rollback of ${phase.id}:`);
      for (const s of phase.rollback) {
        out.push(`    ${s.key}  ${s.action}${s.when ? `  when ${s.when}` : ""}`);
        for (const e of s.effects) out.push(`      ${e.kind}: ${e.text.split("\n").join("\n        ")}`);
      }
    }
  }
  out.push("");
  out.push(`plan hash: ${plan.planHash}`);
  return `${out.join("\n")}\n`;
}

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(
    "plan",
    usage,
    argv,
    { allowPositionals: true, options: { ...paramOptions, json: { type: "boolean" } } },
    io,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`rbx plan: give exactly one runbook file\n${usage}`);
    return 2;
  }
  const params = await readParams("plan", values, io);
  if (!params) return 2;
  const plan = planRunbook(positionals[0] as string, params, {
    cwd: io.cwd,
    env: io.env,
    catalog: builtinCatalog,
    say: (l) => io.stderr.write(`${l}\n`),
  });
  if (!plan) return 2;
  io.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return 0;
}
