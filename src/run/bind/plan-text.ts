// A plan as people read it: what `rbx plan` prints and the language server's plan command shows.
import type { RunPlan } from "./plan.js";

/** The plan as text. */
export function formatPlan(plan: RunPlan): string {
  const out: string[] = [];
  out.push(`plan for ${plan.runbook.name} ${plan.runbook.version} (${plan.runbook.file})`);
  const params = Object.entries(plan.params).map(
    ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
  );
  if (params.length > 0) out.push(`params: ${params.join(" ")}`);
  for (const l of plan.imports ?? [])
    out.push(
      `imports: ${l.checks.join(", ")} from ${l.name} ${l.version} (${l.file}, sha256 ${l.contentHash.slice(0, 12)})`,
    );
  for (const m of plan.modules ?? []) {
    const from = m.package ? `${m.package.name}@${m.package.version}` : m.spec;
    out.push(`actions: ${m.actions.join(", ")} from ${from} (sha256 ${m.contentHash.slice(0, 12)})`);
  }
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
