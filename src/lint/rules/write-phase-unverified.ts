// A change nobody verifies afterwards is reported as a success whether or not it worked.
import type { Phase, Step } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import type { StepEffects } from "../effects.js";
import { defineRule } from "../rule.js";

/** A step that verifies: a `check:` suite, a step with `expect:`, or a read-only poll with `retry.until`. */
export function verifies(step: Step, effects: StepEffects): boolean {
  return (
    step.check !== undefined ||
    step.expect.length > 0 ||
    (step.retry?.until !== undefined && !effects.mayWrite(step))
  );
}

/** Phases with a write step that no `check` or `expect` follows (at or after its last write) before the run ends. */
export const writePhaseUnverified = defineRule({
  meta: {
    id: "write-phase-unverified",
    docs: {
      description:
        "A phase that writes must be followed, before the run ends, by verification: a `check:` step or a step with `expect:`.",
      severity: "warning",
    },
    messages: {
      unverified:
        "phase {{phase}} writes (last in step {{step}}) but nothing verifies the result before the run ends; add a `check:` step or `expect:` after it",
    },
  },
  create(ctx) {
    return {
      runbookExit(runbook) {
        // One pass in run order: the last verifying step, and each phase's last write.
        let at = 0;
        let lastVerify = -1;
        const lastWrite = new Map<Phase, { at: number; step: Step }>();
        for (const phase of runbook.phases) {
          for (const step of phase.steps) {
            if (verifies(step, ctx.effects)) lastVerify = at;
            if (ctx.effects.mayWrite(step)) lastWrite.set(phase, { at, step });
            at++;
          }
        }
        for (const phase of runbook.phases) {
          const w = lastWrite.get(phase);
          if (!w || lastVerify >= w.at) continue;
          ctx.report({
            messageId: "unverified",
            span: phase.id.span,
            data: { phase: phase.id.value, step: stepLabel(w.step) },
            related: [{ span: stepHead(w.step), message: "the last write of the phase" }],
          });
        }
      },
    };
  },
});
