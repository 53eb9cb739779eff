// `rbx plan`: what a run would do, in order, without touching anything — and the hash that pins it.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { ActionCatalog, PlannedEffect } from "../../contract/action.js";
import { formatDuration } from "../../contract/duration.js";
import type { JsonValue } from "../../contract/json.js";
import type { DurationValue, ValueNode } from "../../parser/ast.js";
import { stepEffect } from "../../parser/step-effect.js";
import { emptyState } from "../model/state.js";
import { type BoundRun, contentHash } from "./bind-run.js";
import type { EvalScope } from "./evaluator.js";
import type { StepUnit } from "./program.js";

/** One step as the plan shows it. */
export interface PlannedStep {
  key: string;
  action: string;
  effect: "read" | "write" | "unknown";
  suite?: string;
  when?: string;
  guards: string[];
  expect: string[];
  retry?: string;
  timeout?: string;
  verify?: string;
  /** What the built-in would run (redacted); values only known at run time show as their template. */
  effects: PlannedEffect[];
  /** If this step failed: `rollback` → the boundaries unwound (newest first); `halt` → where it stops. */
  onFailure: { policy: "rollback" | "halt"; unwinds: string[] };
}

/** A phase as the plan shows it. */
export interface PlannedPhase {
  id: string;
  boundary: boolean;
  steps: PlannedStep[];
  rollback: PlannedStep[];
}

/** A project action module the plan uses, as journaled: which code ran the project's own actions. */
export interface UsedModule {
  spec: string;
  package?: { name: string; version: string };
  contentHash: string;
  actions: string[];
}

/** A check library as the plan and the journal pin it. */
export interface ImportedLibrary {
  file: string;
  name: string;
  version: string;
  contentHash: string;
  checks: string[];
}

/** The whole plan; `planHash` covers the document, the params, the project's action modules and every resolved command. */
export interface RunPlan {
  runbook: { name: string; version: string; file: string; contentHash: string };
  /** The project's own action modules the runbook uses (absent when it uses only built-ins). */
  modules?: UsedModule[];
  /** The check libraries it imports: which version and content of each, and the suites taken. */
  imports?: ImportedLibrary[];
  params: Record<string, JsonValue>;
  guards: string[];
  locks: string[];
  phases: PlannedPhase[];
  planHash: string;
}

// Evaluate a `with:` value leaf by leaf, so one field that needs run-time outputs does not hide the rest.
function planValue(bound: BoundRun, node: ValueNode, scope: EvalScope): JsonValue {
  if (node.kind === "map") {
    return Object.fromEntries(node.entries.map((e) => [e.key.value, planValue(bound, e.value, scope)]));
  }
  if (node.kind === "list") return node.items.map((i) => planValue(bound, i, scope));
  const r = bound.evaluator.value(node, scope);
  if (r.ok) return r.value;
  return node.kind === "string" ? node.value : null;
}

// A duration as the plan shows it: a template resolved when it reads only params, else as written.
function planDuration(bound: BoundRun, d: DurationValue, scope: EvalScope): string {
  if (!d.template) return d.text;
  const r = bound.evaluator.duration(d.template, scope);
  return r.ok ? formatDuration(r.value) : d.text;
}

function plannedStep(
  bound: BoundRun,
  unit: StepUnit,
  catalog: ActionCatalog,
  unwinds: string[],
): PlannedStep {
  const scope: EvalScope = { state: emptyState("plan") };
  const action = catalog.find(unit.action);
  const step = unit.step;
  let effects: PlannedEffect[] = [];
  if (unit.run) effects = [childEffect(bound, unit, scope)];
  else if (unit.unwind)
    effects = [
      { kind: "note", text: `rolls back the child run ${unit.unwind} started (rbx rollback CHILD)` },
    ];
  else if (action) {
    const args = step.with ? planValue(bound, step.with, scope) : {};
    try {
      effects = action.plan(args, { connections: bound.connections, redactor: bound.redactor });
    } catch (err) {
      effects = [
        { kind: "note", text: `shown at run time (${err instanceof Error ? err.message : String(err)})` },
      ];
    }
    effects = effects.map((e) => ({ kind: e.kind, text: bound.redactor.redact(e.text) }));
  }
  const out: PlannedStep = {
    key: unit.key,
    action: unit.action,
    effect: unit.run || unit.unwind ? "write" : action ? stepEffect(step, action) : "unknown",
    guards: unit.guards.map((g) => g.that.text),
    expect: step.expect.map((a) => a.that.text),
    effects,
    onFailure: { policy: unit.rollback ? "halt" : unit.policy, unwinds: unit.rollback ? [] : unwinds },
  };
  if (unit.suite) out.suite = unit.suite;
  if (unit.whens.length > 0) out.when = unit.whens.map((w) => w.text).join(" && ");
  const r = step.retry;
  if (r) {
    const parts = [
      r.attempts !== undefined ? `${r.attempts} attempts` : "",
      r.every ? `every ${planDuration(bound, r.every, scope)}` : "",
      r.backoff !== undefined ? `backoff ×${r.backoff}` : "",
      r.maxEvery ? `at most ${planDuration(bound, r.maxEvery, scope)} apart` : "",
      r.until ? `until ${r.until.text}` : "",
      r.timeout ? `within ${planDuration(bound, r.timeout, scope)}` : "",
    ].filter(Boolean);
    out.retry = parts.join(", ");
  }
  if (step.timeout) out.timeout = planDuration(bound, step.timeout, scope);
  if (step.verify?.action) out.verify = step.verify.action.value;
  return out;
}

/** A `run:` step in the plan: which runbook it runs, at which version and content, with which params. */
function childEffect(bound: BoundRun, unit: StepUnit, scope: EvalScope): PlannedEffect {
  const child = unit.step.child;
  const given = unit.step.with ? planValue(bound, unit.step.with, scope) : {};
  const params = Object.entries(given as Record<string, JsonValue>)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const what = child ? `${child.name} ${child.version}` : "?";
  const hash =
    unit.run && existsSync(unit.run) ? contentHash(readFileSync(unit.run, "utf8")).slice(0, 12) : "missing";
  return {
    kind: "note",
    text: `runs ${unit.step.run?.value} (${what}, sha256 ${hash}) as a child run${params ? ` with ${params}` : ""}; its own plan: rbx plan ${unit.step.run?.value}`,
  };
}

/** Build the plan of a bound runbook. */
export function buildPlan(
  bound: BoundRun,
  catalog: ActionCatalog,
  identity: RunPlan["runbook"],
  locks: string[],
): RunPlan {
  const { program } = bound;
  const entered: string[] = [];
  const phases: PlannedPhase[] = [];
  for (const phase of program.runbook.phases) {
    const id = phase.id.value;
    if (phase.rollback) entered.push(id);
    const unwinds = [...entered].reverse();
    const steps: PlannedStep[] = [];
    for (const u of program.flow) {
      if (u.kind === "step" && u.unit.phase === id) steps.push(plannedStep(bound, u.unit, catalog, unwinds));
    }
    const rollback = (program.rollbacks.get(id) ?? []).map((u) => plannedStep(bound, u, catalog, []));
    phases.push({ id, boundary: program.rollbacks.has(id), steps, rollback });
  }
  const guards = program.runbook.guards.map((g) => g.that.text);
  const used = new Set([...program.units.values()].map((u) => u.action));
  const modules = (catalog.modules ?? [])
    .filter((m) => m.actions.some((a) => used.has(a)))
    .map((m) => ({
      spec: m.spec,
      ...(m.package ? { package: m.package } : {}),
      contentHash: m.contentHash,
      actions: m.actions.filter((a) => used.has(a)),
    }));
  const imports = program.runbook.libraries.map((l) => ({
    file: l.file,
    name: l.name,
    version: l.version,
    contentHash: l.contentHash,
    checks: l.checks,
  }));
  const hashed = {
    contentHash: identity.contentHash,
    ...(imports.length > 0 ? { imports } : {}),
    ...(modules.length > 0 ? { modules } : {}),
    ...(imports.length > 0 ? { imports } : {}),
    params: bound.publicParams,
    steps: phases.flatMap((p) =>
      [...p.steps, ...p.rollback].map((s) => [s.key, s.action, s.effects.map((e) => e.text)]),
    ),
  };
  const planHash = createHash("sha256").update(JSON.stringify(hashed)).digest("hex").slice(0, 16);
  return {
    runbook: identity,
    ...(modules.length > 0 ? { modules } : {}),
    ...(imports.length > 0 ? { imports } : {}),
    params: bound.publicParams,
    guards,
    locks,
    phases,
    planHash,
  };
}
