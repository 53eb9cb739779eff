// A change nobody verifies afterwards is reported as a success whether or not it worked.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import { mayWrite } from "../effects.js";
import { defineRule } from "../rule.js";

/** A step that verifies: a `check:` suite, a step with `expect:`, or a read-only poll with `retry.until`. */
export function verifies(step: Step): boolean {
  return (
    step.check !== undefined || step.expect.length > 0 || (step.retry?.until !== undefined && !mayWrite(step))
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
        const flat = runbook.phases.flatMap((phase) => phase.steps.map((step) => ({ phase, step })));
        let lastVerify = -1;
        flat.forEach((x, i) => {
          if (verifies(x.step)) lastVerify = i;
        });
        for (const phase of runbook.phases) {
          let lastWrite = -1;
          flat.forEach((x, i) => {
            if (x.phase === phase && mayWrite(x.step)) lastWrite = i;
          });
          if (lastWrite < 0 || lastVerify >= lastWrite) continue;
          const step = (flat[lastWrite] as { step: Step }).step;
          ctx.report({
            messageId: "unverified",
            span: phase.id.span,
            data: { phase: phase.id.value, step: stepLabel(step) },
            related: [{ span: stepHead(step), message: "the last write of the phase" }],
          });
        }
      },
    };
  },
});
