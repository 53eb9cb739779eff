// Settling a write step that started but was never recorded as finished: verify, probe, or the operator.

import { toJsonValue } from "../../contract/json.js";
import type { EvalScope } from "../bind/evaluator.js";
import type { StepUnit } from "../bind/program.js";
import { durationMs } from "../bind/step-durations.js";
import type { EventBody } from "../model/events.js";
import { type DecideContext, evalArgs } from "./decide-context.js";
import type { AttemptOutcome, Instruction } from "./instructions.js";

/** The next command for an in-doubt step: its postcondition first, then its action's probe, then a person. */
export function settleInDoubt(ctx: DecideContext, unit: StepUnit): Instruction {
  const { state, evaluator } = ctx;
  const st = state.steps.get(unit.key);
  const scope: EvalScope = { state };
  const verify = unit.step.verify;
  let unusable = "";
  if (verify && st?.verified === undefined) {
    const args = evalArgs(evaluator, verify.with, scope);
    const timeout = verify.timeout ? durationMs(verify.timeout, evaluator, scope) : undefined;
    if (timeout && !timeout.ok)
      unusable = `; its \`verify:\` timeout \`${verify.timeout?.text}\` failed: ${timeout.message}`;
    else if (args.ok && verify.action && ctx.catalog.find(verify.action.value)) {
      return {
        kind: "verify",
        unit,
        args: args.value,
        ...(timeout?.ok ? { timeoutMs: timeout.value } : {}),
        settle: (outcome) => settleVerify(ctx, unit, outcome),
      };
    }
  }
  const action = ctx.catalog.find(unit.action);
  if (action?.probe && st?.probe === undefined) {
    const args = evalArgs(evaluator, unit.step.with, scope);
    if (args.ok) {
      return {
        kind: "probe",
        unit,
        args: args.value,
        before: st?.before,
        settle: (r) => {
          if (r.state === "done") {
            return [
              { type: "step.probed", step: unit.key, result: "done" },
              {
                type: "step.succeeded",
                step: unit.key,
                attempt: st?.attempt ?? 1,
                output: toJsonValue(r.output),
                settledBy: "probe",
              },
            ];
          }
          if (r.state === "not-done") return [{ type: "step.probed", step: unit.key, result: "not-done" }];
          return [{ type: "step.probed", step: unit.key, result: "unknown", reason: r.reason }];
        },
      };
    }
  }
  const why =
    st?.probe === "unknown"
      ? "its probe could not tell whether the write happened"
      : "it has neither a `verify:` postcondition nor a probe that can tell whether the write happened";
  return { kind: "ask-in-doubt", unit, why: `${why}${unusable}` };
}

function settleVerify(ctx: DecideContext, unit: StepUnit, outcome: AttemptOutcome): EventBody[] {
  const verify = unit.step.verify;
  const st = ctx.state.steps.get(unit.key);
  if (!outcome.ok)
    return [{ type: "step.verified", step: unit.key, holds: false, reason: outcome.failure.message }];
  const output = toJsonValue(outcome.output);
  const scope: EvalScope = {
    state: ctx.state,
    output: { value: output, action: verify?.action?.value ?? "" },
  };
  for (const a of verify?.expect ?? []) {
    const r = ctx.evaluator.condition(a.that, scope);
    if (!r.ok || !r.value) {
      return [
        {
          type: "step.verified",
          step: unit.key,
          holds: false,
          reason: r.ok ? `${a.that.text} is false` : r.message,
        },
      ];
    }
  }
  return [
    { type: "step.verified", step: unit.key, holds: true },
    { type: "step.succeeded", step: unit.key, attempt: st?.attempt ?? 1, output: null, settledBy: "verify" },
  ];
}
