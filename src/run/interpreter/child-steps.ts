// Deciding `run:` steps and their unwinding: a child run is started (or taken up again) and judged by how it ended.
import type { FailureRecord } from "../../contract/failure.js";
import type { EvalScope } from "../bind/evaluator.js";
import type { StepUnit } from "../bind/program.js";
import type { EventBody } from "../model/events.js";
import { type DecideContext, evalArgs } from "./decide-context.js";
import type { ChildOutcome, Instruction } from "./instructions.js";

const failed = (unit: StepUnit, attempt: number, message: string): EventBody => ({
  type: "step.failed",
  step: unit.key,
  attempt,
  error: { kind: "action-error", message, retryable: false } satisfies FailureRecord,
});

/** What a stopped child means for its parent: a halt that resuming (or rolling back) the parent continues. */
function childStopped(unit: StepUnit, runId: string, status: string, why: string | undefined): EventBody {
  return {
    type: "run.halted",
    reason: "child-stopped",
    step: unit.key,
    message: `child run ${runId} (${unit.action.replace(/^(run|unwind) /, "")}) ${status}${why ? `: ${why}` : ""}; resuming this run continues it, rolling this run back unwinds it with the rest`,
  };
}

/** A `run:` step: start its child run, or take up the one it started before (after a halt, a crash). */
export function decideChild(ctx: DecideContext, unit: StepUnit, attempt: number): Instruction {
  const scope: EvalScope = { state: ctx.state };
  const params = evalArgs(ctx.evaluator, unit.step.with, scope);
  if (!params.ok) return { kind: "record", events: [failed(unit, attempt - 1, `with: ${params.message}`)] };
  const existing = ctx.state.steps.get(unit.key)?.child;
  return {
    kind: "child",
    unit,
    attempt,
    file: unit.run as string,
    params: params.value,
    ...(existing ? { existing } : {}),
    settle: (outcome) => settleChild(unit, attempt, outcome),
  };
}

function settleChild(unit: StepUnit, attempt: number, outcome: ChildOutcome): EventBody[] {
  if ("refused" in outcome)
    return [failed(unit, attempt, `the child run could not start: ${outcome.refused}`)];
  const { runId, status, why } = outcome;
  if (status === "completed")
    return [
      {
        type: "step.succeeded",
        step: unit.key,
        attempt,
        output: { runId, status, runbook: outcome.name, version: outcome.version },
      },
    ];
  if (status === "rolled-back" || status === "failed")
    return [failed(unit, attempt, `child run ${runId} (${outcome.name}) ${status}${why ? `: ${why}` : ""}`)];
  return [childStopped(unit, runId, status, why)];
}

/** An unwinding unit: roll back the child its run step started; nothing to do when it started none. */
export function decideUnwind(ctx: DecideContext, unit: StepUnit): Instruction {
  const runId = ctx.state.steps.get(unit.unwind as string)?.child;
  if (!runId)
    return {
      kind: "record",
      events: [
        { type: "step.skipped", step: unit.key, reason: "when", note: `${unit.unwind} started no child run` },
      ],
    };
  return {
    kind: "unwind",
    unit,
    runId,
    settle: (outcome): EventBody[] => {
      if ("refused" in outcome)
        return [failed(unit, 1, `the child run ${runId} could not be rolled back: ${outcome.refused}`)];
      if (outcome.status === "rolled-back")
        return [
          {
            type: "step.succeeded",
            step: unit.key,
            attempt: 1,
            output: { runId, status: outcome.status, runbook: outcome.name, version: outcome.version },
          },
        ];
      return [childStopped(unit, runId, `stopped while rolling back (${outcome.status})`, outcome.why)];
    },
  };
}
