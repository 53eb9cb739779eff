// A rollback that is not verified may leave the system half-restored while the run reports "rolled back".
import { stepHead, stepLabel } from "../context.js";
import { defineRule } from "../rule.js";
import { verifies } from "../verification.js";

/** Rollbacks whose last write is not followed (or accompanied) by a step that verifies. */
export const rollbackUnverified = defineRule({
  meta: {
    id: "rollback-unverified",
    docs: {
      description:
        "The `rollback:` of a boundary must verify its result after its last write: a check, an `expect:`, a poll, an http.check with an expected status, a rollout wait.",
      severity: "warning",
    },
    messages: {
      unverified:
        "{{step}} is the last write of the rollback of phase {{phase}} and nothing after it verifies the result; end the rollback with a step that proves the previous version is healthy (a `check:`, a rollout status, an http.check with `expect: { status: … }`)",
    },
  },
  create(ctx) {
    return {
      phase(phase) {
        const steps = phase.rollback ?? [];
        let last = -1;
        steps.forEach((s, i) => {
          if (ctx.effects.mayWrite(s)) last = i;
        });
        if (last < 0 || steps.slice(last).some((s) => verifies(s, ctx.effects))) return;
        const write = steps[last]!;
        ctx.report({
          messageId: "unverified",
          span: stepHead(write),
          data: { phase: phase.id.value, step: stepLabel(write) },
          related: phase.rollbackSpan ? [{ span: phase.rollbackSpan, message: "the rollback" }] : [],
        });
      },
    };
  },
});
