// A rollback that is not verified may leave the system half-restored while the run reports "rolled back".
import { defineRule } from "../rule.js";
import { verifies } from "./write-phase-unverified.js";

/** Rollback boundaries whose `rollback:` steps contain no `check:` (or `expect:`) verification. */
export const rollbackUnverified = defineRule({
  meta: {
    id: "rollback-unverified",
    docs: {
      description:
        "The `rollback:` of a boundary must verify its result with a `check:` step (or an `expect:`).",
      severity: "warning",
    },
    messages: {
      unverified:
        "the rollback of phase {{phase}} is never verified; end it with a `check:` step that proves the previous version is healthy",
    },
  },
  create(ctx) {
    return {
      phase(phase) {
        if (!phase.rollback || phase.rollback.some((s) => verifies(s, ctx.effects))) return;
        ctx.report({
          messageId: "unverified",
          span: phase.rollbackSpan ?? phase.id.span,
          data: { phase: phase.id.value },
        });
      },
    };
  },
});
