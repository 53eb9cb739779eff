// `atomic: true` rolls back by itself; a boundary that also runs helm.rollback then rolls back a second time.
import type { Phase, Step, ValueNode } from "../../parser/ast.js";
import { stepHead, stepLabel, withEntry, withValue } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";

const literal = (v: ValueNode | undefined): string | undefined =>
  v?.kind === "string" && !v.template ? v.value : undefined;

/** Same release, or a release we cannot tell apart at lint time (templated). */
function sameRelease(a: Step, b: Step): boolean {
  const x = literal(withValue(a, "release"));
  const y = literal(withValue(b, "release"));
  return x === undefined || y === undefined || x === y;
}

/** helm.upgrade with `atomic: true` inside a boundary whose rollback runs helm.rollback for the same release. */
export const atomicWithRollbackBoundary = defineRule({
  meta: {
    id: "atomic-with-rollback-boundary",
    docs: {
      description:
        "helm.upgrade with `atomic: true` must not sit in a boundary whose rollback also runs helm.rollback (double rollback).",
      severity: "error",
    },
    messages: {
      double:
        "helm.upgrade in step {{step}} is atomic, so helm already rolls it back on failure, and the rollback of phase {{phase}} runs helm.rollback as well: a failed upgrade is rolled back twice; drop `atomic: true` or the helm.rollback step",
    },
  },
  create(ctx) {
    /** Each boundary's helm.rollback steps, found once per phase rather than once per upgrade. */
    const byPhase = new Map<Phase, Step[]>();
    const helmRollbacks = (phase: Phase): Step[] => {
      let list = byPhase.get(phase);
      if (!list) {
        list = (phase.rollback ?? []).filter((r) => runsAction(r, "helm.rollback"));
        byPhase.set(phase, list);
      }
      return list;
    };
    return {
      step(site) {
        const { step, phase } = site;
        if (site.place !== "phase" || !phase?.rollback || !runsAction(step, "helm.upgrade")) return;
        const atomic = withEntry(step, "atomic");
        if (atomic?.value.kind !== "bool" || !atomic.value.value) return;
        const rollbacks = helmRollbacks(phase).filter((r) => sameRelease(step, r));
        if (rollbacks.length === 0) return;
        ctx.report({
          messageId: "double",
          span: atomic.key.span,
          data: { step: stepLabel(step), phase: phase.id.value },
          related: rollbacks.map((r) => ({ span: stepHead(r), message: "helm.rollback runs here as well" })),
        });
      },
    };
  },
});
