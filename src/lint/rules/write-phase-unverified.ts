// A change nobody verifies afterwards is reported as a success whether or not it worked.
import type { Phase, Step } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import { defineRule } from "../rule.js";
import { verifies } from "../verification.js";

/** Phases with a write step that nothing verifies (at or after its last write) before the run ends. */
export const writePhaseUnverified = defineRule({
  meta: {
    id: "write-phase-unverified",
    docs: {
      description:
        "A phase that writes must be followed, before the run ends, by a step that verifies: a check, an `expect:`, a poll, an http.check with an expected status, a rollout or job wait, a patch's `waitFor`.",
      severity: "warning",
    },
    messages: {
      unverified:
        "step {{step}} is the last write of phase {{phase}} and nothing verifies the result before the run ends; add a step that fails when the change did not work (a `check:`, an `expect:`, a rollout status, an http.check with `expect: { status: … }`)",
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
            span: stepHead(w.step),
            data: { phase: phase.id.value, step: stepLabel(w.step) },
            related: [{ span: phase.id.span, message: `phase ${phase.id.value}` }],
          });
        }
      },
    };
  },
});
