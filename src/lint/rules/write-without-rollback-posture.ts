// A write outside every rollback boundary, with no `onFailure: halt` said out loud, has no recovery posture.
import type { Runbook } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import { defineRule } from "../rule.js";

/** Write steps (unknown actions count as writes) in a phase without `rollback:` and with no stated halt. */
export const writeWithoutRollbackPosture = defineRule({
  meta: {
    id: "write-without-rollback-posture",
    docs: {
      description:
        "A write step outside every rollback boundary must state `onFailure: halt` (step, phase or runbook).",
      severity: "warning",
    },
    messages: {
      noPosture:
        "step {{step}} {{verb}} outside any rollback boundary and no `onFailure: halt` is stated; add a `rollback:` to phase {{phase}} or write `onFailure: halt` on the step, the phase or the runbook",
    },
  },
  create(ctx) {
    const runbookHalts = (rb: Runbook) => rb.onFailure.span !== undefined && rb.onFailure.value === "halt";
    return {
      step(site) {
        if (site.place !== "phase" || !site.phase || site.phase.rollback) return;
        const { step, phase } = site;
        if (!ctx.effects.mayWrite(step)) return;
        const stated = step.onFailure ?? phase.onFailure;
        if (stated ? stated.value === "halt" : runbookHalts(ctx.runbook)) return;
        ctx.report({
          messageId: "noPosture",
          span: stepHead(step),
          data: {
            step: stepLabel(step),
            verb:
              ctx.effects.effectOf(step) === "unknown"
                ? "may write (its action is not in the catalog)"
                : "writes",
            phase: phase.id.value,
          },
        });
      },
    };
  },
});
