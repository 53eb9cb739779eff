// `atomic: true` rolls a failed upgrade back by itself; a boundary's helm.rollback *without a revision* then
// rolls back once more, onto the failed revision helm just recorded — the one pairing that is certainly wrong.
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

/** helm.rollback to "the previous revision": no `revision:` (the schema refuses 0, helm's other spelling of it). */
function toPrevious(rollback: Step): boolean {
  return withValue(rollback, "revision") === undefined;
}

/**
 * An atomic helm.upgrade in a boundary whose rollback runs helm.rollback to the previous revision of the same
 * release. With an explicit revision (recorded before the upgrade) the pairing is right: atomic covers a failed
 * upgrade command, the boundary's rollback covers a failure of a later step after helm succeeded.
 */
export const atomicWithRollbackBoundary = defineRule({
  meta: {
    id: "atomic-with-rollback-boundary",
    docs: {
      description:
        "An atomic helm.upgrade must not sit in a boundary whose helm.rollback goes to the previous revision: after helm's own rollback, that is the failed one.",
      severity: "error",
    },
    messages: {
      previous:
        "helm.rollback of step {{step}} goes to the previous revision, but helm.upgrade in {{upgrade}} is atomic: when the upgrade fails helm rolls back by itself and the previous revision is then the failed one; give `revision:` the revision recorded before the upgrade (for example from helm.history)",
    },
  },
  create(ctx) {
    /** Each boundary's helm.rollback steps to the previous revision, found once per phase. */
    const byPhase = new Map<Phase, Step[]>();
    const risky = (phase: Phase): Step[] => {
      let list = byPhase.get(phase);
      if (!list) {
        list = (phase.rollback ?? []).filter((r) => runsAction(r, "helm.rollback") && toPrevious(r));
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
        for (const r of risky(phase).filter((r) => sameRelease(step, r))) {
          ctx.report({
            messageId: "previous",
            span: stepHead(r),
            data: { step: stepLabel(r), upgrade: stepLabel(step) },
            related: [{ span: atomic.key.span, message: "the upgrade rolls itself back (atomic)" }],
          });
        }
      },
    };
  },
});
