// What `rbx rollback` would do now, evaluated rather than listed: each rollback step's `when` over the run's
// recorded params and outputs (will run / will skip, and why), and whether the database would be restored.
import type { ActionCatalog } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import { bindRun } from "../bind/bind-run.js";
import type { EvalScope, Evaluator } from "../bind/evaluator.js";
import { explainFalse } from "../bind/explain-condition.js";
import { prepareRunbook } from "../bind/prepare.js";
import { buildProgram, type Program, type StepUnit } from "../bind/program.js";
import type { RunEvent } from "../model/events.js";
import { foldEvents, type RunState } from "../model/state.js";
import type { CatalogResolver } from "./session-options.js";

/** One rollback step as it would go now. */
export interface PreviewStep {
  key: string;
  action: string;
  /** The `when` as written, when it has one. */
  when?: string;
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

/** The boundaries a rollback would unwind now (newest first), without the rollback steps already done. */
export function boundariesToUnwind(
  state: RunState,
  program: Program,
): { boundary: string; units: StepUnit[] }[] {
  if (state.status === "rolled-back") return [];
  const pending = state.rollback && !state.rollback.done;
  const boundaries = pending
    ? (state.rollback?.boundaries ?? [])
    : state.entered.filter((p) => program.rollbacks.has(p)).reverse();
  return boundaries.map((b) => ({
    boundary: b,
    units: (program.rollbacks.get(b) ?? []).filter((u) => {
      const s = state.steps.get(u.key)?.status;
      return !(pending && (s === "succeeded" || s === "skipped"));
    }),
  }));
}

function previewStep(
  u: StepUnit,
  state: RunState,
  program: Program,
  evaluator: Evaluator | undefined,
  catalog: ActionCatalog,
): PreviewStep {
  const action = catalog.find(u.action);
  const step: PreviewStep = {
    key: u.key,
    action: u.suite ? `check ${u.suite}: ${u.action}` : u.action,
    will: "run",
    database: action?.effect === "write" && (action.connectionKinds ?? []).includes("postgres"),
  };
  if (u.whens.length > 0) step.when = u.whens.map((w) => w.text).join(" && ");
  if (!evaluator) {
    if (u.whens.length > 0) {
      step.will = "unknown";
      step.why = "the runbook could not be bound to evaluate its `when`";
    }
    return step;
  }
  const scope: EvalScope = { state };
  for (const w of u.whens) {
    const r = evaluator.condition(w, scope);
    if (!r.ok) {
      step.will = "unknown";
      step.why = `its \`when\` cannot be evaluated now: ${r.message}`;
      return step;
    }
    if (!r.value) {
      step.will = "skip";
      step.why = explainFalse(w, state, program);
      return step;
    }
  }
  return step;
}

/** The evaluator over the run's recorded params (secrets stay masked: a `when` never needs their value). */
function recordedEvaluator(
  state: RunState,
  program: Program,
  catalog: ActionCatalog,
  env: Readonly<Record<string, string | undefined>>,
): Evaluator | undefined {
  const params = state.started?.params as Record<string, JsonValue> | undefined;
  if (!params) return undefined;
  const secrets = new Set(program.runbook.params.filter((p) => p.type === "secret").map((p) => p.name.value));
  try {
    return bindRun(program.runbook, params, secrets, env, catalog).evaluator;
  } catch {
    return undefined;
  }
}

/** The rollback `rbx rollback` would run now, evaluated over the run's journal. */
export function previewRollback(
  state: RunState,
  program: Program,
  catalog: ActionCatalog,
  env: Readonly<Record<string, string | undefined>>,
): RollbackPreview {
  const evaluator = recordedEvaluator(state, program, catalog, env);
  const boundaries = boundariesToUnwind(state, program).map(({ boundary, units }) => ({
    boundary,
    steps: units.map((u) => previewStep(u, state, program, evaluator, catalog)),
  }));
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

/** The preview for a journal read on its own (`rbx report`): undefined when its runbook cannot be read now. */
export async function previewFromJournal(
  runId: string,
  events: readonly RunEvent[],
  cwd: string,
  catalogs: ActionCatalog | CatalogResolver,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RollbackPreview | undefined> {
  const state = foldEvents(runId, events);
  const file = state.started?.runbook.file;
  if (!file) return undefined;
  const found = typeof catalogs === "function" ? await catalogs(file) : { catalog: catalogs };
  if (!("catalog" in found)) return undefined;
  const { catalog } = found;
  const prepared = prepareRunbook(file, cwd, catalog);
  if (!prepared.ok) return undefined;
  return previewRollback(state, buildProgram(prepared.runbook), catalog, env);
}
