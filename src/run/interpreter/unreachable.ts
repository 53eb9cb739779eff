// The one place that decides "the target cannot be reached → halt": a failure caused by an unreachable target
// (refused, DNS, TLS, no answer, rejected credentials) does not start a rollback whose writes need that target.

import { type FailureRecord, targetUnavailable } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";
import type { EvalScope } from "../bind/evaluator.js";
import type { StepUnit } from "../bind/program.js";
import type { EventBody } from "../model/events.js";
import { type DecideContext, evalArgs } from "./decide-context.js";

/** The connections a unit talks to: the one `with.connection` names, else every one of its action's kinds. */
export function unitConnections(ctx: DecideContext, unit: StepUnit, args?: JsonValue): string[] {
  const action = ctx.catalog.find(unit.action);
  const kinds = action?.connectionKinds ?? [];
  if (kinds.length === 0) return [];
  let named: JsonValue | undefined =
    args && typeof args === "object" && !Array.isArray(args) ? args.connection : undefined;
  if (named === undefined) {
    const entry = unit.step.with?.entries.find((e) => e.key.value === "connection")?.value;
    if (entry?.kind === "string" && !entry.template) named = entry.value;
    else if (entry) {
      const r = evalArgs(ctx.evaluator, unit.step.with, { state: ctx.state });
      const v = r.ok && r.value && typeof r.value === "object" && !Array.isArray(r.value) ? r.value : {};
      named = (v as Record<string, JsonValue>).connection;
    }
  }
  if (typeof named === "string") return [named];
  return ctx.program.runbook.connections.filter((c) => kinds.includes(c.kind)).map((c) => c.name.value);
}

/** Whether a rollback unit would run now: its `when`s hold, or cannot be told yet (then it counts as running). */
function wouldRun(ctx: DecideContext, unit: StepUnit): boolean {
  const scope: EvalScope = { state: ctx.state };
  for (const w of unit.whens) {
    const r = ctx.evaluator.condition(w, scope);
    if (r.ok && !r.value) return false;
  }
  return true;
}

/** The first line of a message, bounded: what a halt line repeats of a step's error. */
export function headline(message: string, max = 300): string {
  const first = message.split("\n")[0] ?? "";
  return first.length > max ? `${first.slice(0, max)}…` : first;
}

const KINDS: Record<string, string> = { kubernetes: "the Kubernetes API", postgres: "PostgreSQL", http: "" };

function targetName(ctx: DecideContext, names: readonly string[]): string {
  return names
    .map((n) => {
      const kind = ctx.program.runbook.connections.find((c) => c.name.value === n)?.kind;
      const what = kind ? KINDS[kind] : "";
      return what ? `${what} (connection ${n})` : `connection ${n}`;
    })
    .join(" and ");
}

/**
 * When `unit` failed because its target cannot be reached and unwinding `boundaries` would write through that
 * same target, the halt that replaces the rollback (unless the runbook says `onUnreachable: rollback`).
 */
export function unreachableHalt(
  ctx: DecideContext,
  unit: StepUnit,
  error: FailureRecord,
  boundaries: readonly string[],
): EventBody | undefined {
  if (!targetUnavailable(error) || ctx.program.runbook.onUnreachable.value === "rollback") return undefined;
  const args = ctx.state.steps.get(unit.key)?.args;
  const targets = new Set(unitConnections(ctx, unit, args));
  if (targets.size === 0) return undefined;
  const needing: StepUnit[] = [];
  for (const b of boundaries) {
    for (const u of ctx.program.rollbacks.get(b) ?? []) {
      if (ctx.catalog.find(u.action)?.effect !== "write" || !wouldRun(ctx, u)) continue;
      if (unitConnections(ctx, u).some((c) => targets.has(c))) needing.push(u);
    }
  }
  if (needing.length === 0) return undefined;
  const target = targetName(ctx, [...targets]);
  const why =
    error.category === "unreachable"
      ? "cannot be reached"
      : error.category === "unauthenticated"
        ? "rejects rbx's credentials"
        : "refuses rbx the permission";
  const rollbackSteps = needing.map((u) => `${u.key} (${u.action})`).join(", ");
  return {
    type: "run.halted",
    reason: "target-unreachable",
    step: unit.key,
    message:
      `${unit.key} failed because ${target} ${why}: ${headline(error.message)}. No rollback was started: ` +
      `${rollbackSteps} would need the same target. Once it answers again, resume to retry ${unit.key}, or roll back.`,
  };
}
