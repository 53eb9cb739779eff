// What a rollback would do now, evaluated rather than listed — the one place `rbx status`, `rbx report` and
// `rbx status --preview-rollback` ask: each rollback step's `when` over the run's journal (will run / will skip,
// and why; a step whose `when` reads a rollback step not run yet cannot be told), whether the database would be
// restored, and (live) after running now the read-only rollback steps those conditions read, journaling nothing.

import type { ActionCatalog, ActionContext, AnyAction } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import { type BoundRun, bindRun } from "../bind/bind-run.js";
import { explainFalse } from "../bind/explain-condition.js";
import { prepareRunbook } from "../bind/prepare.js";
import { buildProgram, type Program, type StepUnit } from "../bind/program.js";
import { falseWithout, stepsReadBy, unitEffect } from "../bind/unit-reads.js";
import type { EventBody, RunEvent } from "../model/events.js";
import { boundariesToUnwind } from "../model/recovery-choices.js";
import { applyEvent, type RunState } from "../model/state.js";
import type { CatalogResolver } from "./session-options.js";

/** One rollback step as it would go now. */
export interface PreviewStep {
  key: string;
  action: string;
  /** The `when` as written, when it has one. */
  when?: string;
  /** "unknown": decided only when the rollback runs (it reads a step the rollback runs first, or cannot bind). */
  will: "run" | "skip" | "unknown";
  /** Why it skips (the false condition and what it read), or why it cannot be told now. */
  why?: string;
  /** It writes to a PostgreSQL connection: it restores (or otherwise changes) a database. */
  database: boolean;
}

/** A rollback as it would go now, boundary by boundary (newest first), and its word on the database. */
export interface RollbackPreview {
  boundaries: { boundary: string; steps: PreviewStep[] }[];
  /**
   * Said when the runbook talks to a database and no step that would run restores it, e.g. "This rollback will
   * NOT restore the database: rollback:upgrade/0 (snapshot.restore) will skip — `params…` is false".
   */
  database?: string;
}

/** How the preview evaluates: over the recorded params, or a run bound with its secrets (live). */
export interface PreviewOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The run bound with its secrets from the environment; without it, bound over the journaled params. */
  bound?: BoundRun;
  /**
   * Run now the read-only rollback steps a later `when` reads (a ledger, a schema fingerprint); their outputs are
   * folded into the preview's `state` (give it a copy), never journaled.
   */
  live?: { workDir: string; signal: AbortSignal };
}

/** The boundaries a rollback unwinds now (newest first) and the units left in each. */
export function unwindNow(
  state: RunState,
  program: Program | undefined,
): { boundary: string; units: StepUnit[] }[] {
  const open = state.rollback !== undefined && !state.rollback.done;
  return boundariesToUnwind(state).map((b) => ({
    boundary: b,
    units: (program?.rollbacks.get(b) ?? []).filter((u) => {
      const done = state.steps.get(u.key)?.status;
      return !(open && (done === "succeeded" || done === "skipped"));
    }),
  }));
}

/** The run bound over its recorded params (secrets stay masked: a `when` never needs their value). */
function recordedBound(
  state: RunState,
  program: Program,
  catalog: ActionCatalog,
  env: Readonly<Record<string, string | undefined>>,
): BoundRun | undefined {
  const params = state.started?.params as Record<string, JsonValue> | undefined;
  if (!params) return undefined;
  const secrets = new Set(program.runbook.params.filter((p) => p.type === "secret").map((p) => p.name.value));
  try {
    return bindRun(program.runbook, params, secrets, env, catalog);
  } catch {
    return undefined;
  }
}

/** Fold an event into the preview's copy of the state (never journaled). */
function record(state: RunState, body: EventBody): void {
  applyEvent(state, { ...body, seq: 0, at: new Date().toISOString(), prev: "" } as RunEvent);
}

/** Run one read-only rollback step now; its output goes into `state`. Returns why it failed, if it did. */
async function runRead(
  action: AnyAction,
  unit: StepUnit,
  state: RunState,
  bound: BoundRun,
  live: NonNullable<PreviewOptions["live"]>,
  env: PreviewOptions["env"],
): Promise<string | undefined> {
  const args = unit.step.with
    ? bound.evaluator.value(unit.step.with, { state })
    : { ok: true as const, value: {} };
  if (!args.ok) return `its input does not evaluate: ${args.message}`;
  const ctx: ActionContext = {
    signal: live.signal,
    log: { info() {}, warn() {}, progress() {} },
    redactor: bound.redactor,
    connections: bound.connections,
    runId: state.runId,
    stepId: unit.key,
    workDir: live.workDir,
    env,
  };
  try {
    const output = (await action.run(ctx, args.value)) as JsonValue;
    record(state, {
      type: "step.started",
      step: unit.key,
      phase: unit.phase,
      action: unit.action,
      effect: "read",
      attempt: 1,
      args: args.value,
    });
    record(state, { type: "step.succeeded", step: unit.key, attempt: 1, output });
    return undefined;
  } catch (error) {
    return bound.redactor.redact(error instanceof Error ? error.message : String(error));
  }
}

/** The rollback `rbx rollback` would run now, evaluated over the run's journal (and, live, its reads now). */
export async function previewRollback(
  state: RunState,
  program: Program,
  catalog: ActionCatalog,
  options: PreviewOptions,
): Promise<RollbackPreview> {
  const bound = options.bound ?? recordedBound(state, program, catalog, options.env);
  const unwind = unwindNow(state, program);
  const units = unwind.flatMap((b) => b.units);
  // A rollback step's `steps.<id>` is its own id (main steps carry it as outputId).
  const idOf = (u: StepUnit) => u.outputId ?? u.step.id?.value;
  const ids = new Map(units.flatMap((u) => (idOf(u) ? [[idOf(u) as string, u] as const] : [])));
  const readLater = new Set(units.flatMap((u) => stepsReadBy(u)));
  const failedReads = new Map<string, string>();
  const decide = async (u: StepUnit): Promise<PreviewStep> => {
    const action = catalog.find(u.action);
    const step: PreviewStep = {
      key: u.key,
      action: u.suite ? `check ${u.suite}: ${u.action}` : u.action,
      will: "run",
      database: action?.effect === "write" && (action.connectionKinds ?? []).includes("postgres"),
    };
    if (u.whens.length > 0) step.when = u.whens.map((w) => w.text).join(" && ");
    if (!bound) {
      if (u.whens.length > 0) {
        step.will = "unknown";
        step.why = "the runbook could not be bound to evaluate its `when`";
      }
      return step;
    }
    const pending = stepsReadBy(u).filter((id) => {
      const read = ids.get(id);
      return read && !state.steps.get(read.key)?.output && !failedReads.has(id);
    });
    if (pending.length > 0) {
      const decided = u.whens.map((w) => falseWithout(w, new Set(pending), bound, state)).find((p) => p);
      if (decided) {
        step.will = "skip";
        step.why = explainFalse(decided, state, program);
        return step;
      }
      step.will = "unknown";
      step.why = `it reads ${[...new Set(pending)].join(", ")}, which the rollback runs first (rbx status RUN --preview-rollback runs it now)`;
      return step;
    }
    for (const w of u.whens) {
      const r = bound.evaluator.condition(w, { state });
      if (!r.ok) {
        step.will = "unknown";
        step.why = `its \`when\` cannot be evaluated now: ${bound.redactor.redact(r.message)}`;
        break;
      }
      if (!r.value) {
        step.will = "skip";
        step.why = explainFalse(w, state, program);
        break;
      }
    }
    const failed = stepsReadBy(u).find((id) => failedReads.has(id));
    if (failed) {
      const note = `reading ${failed} failed now: ${failedReads.get(failed)}; the rollback reads it again`;
      step.why = step.why ? `${step.why} (${note})` : note;
    }
    const id = idOf(u);
    if (
      options.live &&
      step.will === "run" &&
      action &&
      id &&
      readLater.has(id) &&
      unitEffect(u, action) === "read"
    ) {
      const error = await runRead(action, u, state, bound, options.live, options.env);
      if (error) failedReads.set(id, error);
    }
    return step;
  };
  const boundaries: RollbackPreview["boundaries"] = [];
  for (const { boundary, units: list } of unwind) {
    const steps: PreviewStep[] = [];
    for (const u of list) steps.push(await decide(u));
    boundaries.push({ boundary, steps });
  }
  const preview: RollbackPreview = { boundaries };
  const usesDatabase = program.runbook.connections.some((c) => c.kind === "postgres");
  const steps = boundaries.flatMap((b) => b.steps);
  if (usesDatabase && steps.length > 0 && !steps.some((s) => s.database && s.will !== "skip")) {
    const skipped = steps.filter((s) => s.database);
    preview.database =
      skipped.length > 0
        ? `This rollback will NOT restore the database: ${skipped.map((s) => `${s.key} (${s.action}) will skip — ${s.why}`).join("; ")}.`
        : "This rollback will NOT restore the database: none of its steps writes to it.";
  }
  return preview;
}

/** What a rollback preview needs of a run's runbook: its program and the catalog it was checked against. */
export interface PreviewSource {
  program: Program;
  catalog: ActionCatalog;
}

/**
 * The runbook a run started with, read now for a preview over a journal read on its own (`rbx report`): loaded
 * from the run.started event before the journal is read and folded, as its YAML parse is the command's peak of
 * memory. Undefined when the runbook cannot be read or checked now.
 */
export async function previewSource(
  started: Extract<RunEvent, { type: "run.started" }>,
  cwd: string,
  catalogs: ActionCatalog | CatalogResolver,
): Promise<PreviewSource | undefined> {
  const file = started.runbook.file;
  if (!file) return undefined;
  const found = typeof catalogs === "function" ? await catalogs(file) : { catalog: catalogs };
  if (!("catalog" in found)) return undefined;
  const { catalog } = found;
  const prepared = prepareRunbook(file, cwd, catalog);
  if (!prepared.ok) return undefined;
  return { program: buildProgram(prepared.runbook), catalog };
}
