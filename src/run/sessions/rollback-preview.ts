// Before a rollback: which of its steps will run and which will be skipped, from each step's `when` over the
// journal — and, with `live`, after running the read-only rollback steps those conditions read (a ledger, a
// schema fingerprint) without journaling anything, so `rbx status` can say whether a restore will happen.

import type { ActionCatalog, ActionContext, AnyAction } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import type { BoundRun } from "../bind/bind-run.js";
import type { StepUnit } from "../bind/program.js";
import { stepsReadBy, unitEffect } from "../bind/unit-reads.js";
import type { EventBody, RunEvent } from "../model/events.js";
import { applyEvent, type RunState } from "../model/state.js";

/** What a rollback will do with one of its steps, as far as can be told now. */
export interface RollbackDecision {
  key: string;
  decision: "will run" | "will skip" | "decided when the rollback runs";
  reason: string;
}

/** What the preview needs: the run bound to its params, the units to unwind in order, and (live) how to act. */
export interface PreviewInputs {
  bound: BoundRun;
  catalog: ActionCatalog;
  /** A copy of the run's folded journal; the preview adds the outputs of the reads it runs to it. */
  state: RunState;
  units: readonly StepUnit[];
  /** Run the read-only rollback steps later conditions read (needs the run's secrets in the environment). */
  live?: { env: Readonly<Record<string, string | undefined>>; workDir: string; signal: AbortSignal };
}

/** Fold an event into the preview's copy of the state (never journaled). */
function record(state: RunState, body: EventBody): void {
  applyEvent(state, { ...body, seq: 0, at: new Date().toISOString(), prev: "" } as RunEvent);
}

async function runRead(
  action: AnyAction,
  unit: StepUnit,
  inputs: PreviewInputs,
): Promise<string | undefined> {
  const live = inputs.live;
  if (!live) return undefined;
  const scope = { state: inputs.state };
  const args = unit.step.with
    ? inputs.bound.evaluator.value(unit.step.with, scope)
    : { ok: true as const, value: {} };
  if (!args.ok) return `its input does not evaluate: ${args.message}`;
  const ctx: ActionContext = {
    signal: live.signal,
    log: { info() {}, warn() {}, progress() {} },
    redactor: inputs.bound.redactor,
    connections: inputs.bound.connections,
    runId: inputs.state.runId,
    stepId: unit.key,
    workDir: live.workDir,
    env: live.env,
  };
  try {
    const output = (await action.run(ctx, args.value)) as JsonValue;
    record(inputs.state, {
      type: "step.started",
      step: unit.key,
      phase: unit.phase,
      action: unit.action,
      effect: "read",
      attempt: 1,
      args: args.value,
    });
    record(inputs.state, { type: "step.succeeded", step: unit.key, attempt: 1, output });
    return undefined;
  } catch (error) {
    return inputs.bound.redactor.redact(error instanceof Error ? error.message : String(error));
  }
}

/** Decide each unit in order; with `live`, read-only steps a later condition reads are run first. */
export async function previewRollback(inputs: PreviewInputs): Promise<RollbackDecision[]> {
  // A rollback step's `steps.<id>` is its own id (main steps carry it as outputId).
  const idOf = (u: StepUnit) => u.outputId ?? u.step.id?.value;
  const ids = new Map(inputs.units.flatMap((u) => (idOf(u) ? [[idOf(u) as string, u] as const] : [])));
  const readLater = new Set(inputs.units.flatMap((u) => stepsReadBy(u)));
  const out: RollbackDecision[] = [];
  const failedReads = new Map<string, string>();
  for (const unit of inputs.units) {
    const pending = stepsReadBy(unit).filter((id) => {
      const u = ids.get(id);
      return u && !inputs.state.steps.get(u.key)?.output && !failedReads.has(id);
    });
    if (pending.length > 0) {
      out.push({
        key: unit.key,
        decision: "decided when the rollback runs",
        reason: `it reads ${[...new Set(pending)].join(", ")}, which the rollback runs first (rbx status RUN --preview-rollback runs it now)`,
      });
      continue;
    }
    const scope = { state: inputs.state };
    let holds = true;
    let reason = unit.whens.length === 0 ? "no condition" : "its condition holds";
    for (const w of unit.whens) {
      const r = inputs.bound.evaluator.condition(w, scope);
      if (!r.ok) {
        holds = false;
        reason = `its condition cannot be decided now: ${inputs.bound.redactor.redact(r.message)}`;
        break;
      }
      if (!r.value) {
        holds = false;
        reason = "its condition is false";
        break;
      }
    }
    const failed = stepsReadBy(unit).find((id) => failedReads.has(id));
    if (failed)
      reason += ` (reading ${failed} failed now: ${failedReads.get(failed)}; the rollback reads it again)`;
    const undecided = reason.startsWith("its condition cannot");
    out.push({
      key: unit.key,
      decision: undecided ? "decided when the rollback runs" : holds ? "will run" : "will skip",
      reason,
    });
    const action = inputs.catalog.find(unit.action);
    const id = idOf(unit);
    if (holds && action && id && readLater.has(id) && unitEffect(unit, action) === "read") {
      const error = await runRead(action, unit, inputs);
      if (error) failedReads.set(id, error);
    }
  }
  return out;
}
