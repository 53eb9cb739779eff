// Retrying a write that cannot tell whether it already happened may apply it twice.
import type { Step } from "../../parser/ast.js";
import { stepLabel, withEntry } from "../context.js";
import type { StepEffects } from "../effects.js";
import { defineRule } from "../rule.js";

/**
 * The action can settle "did it happen?": it has a probe, and when its `with:` schema declares a `probe`
 * field (sql.exec's probe query), that field is given, since the probe has nothing to ask without it.
 */
function declaresProbeField(step: Step, effects: StepEffects): boolean {
  const props = effects.actionOf(step)?.input.properties;
  return typeof props === "object" && props !== null && !Array.isArray(props) && "probe" in props;
}

function probed(step: Step, effects: StepEffects): boolean {
  if (!effects.actionOf(step)?.probe) return false;
  return !declaresProbeField(step, effects) || withEntry(step, "probe") !== undefined;
}

/** Retried write steps whose action has no `probe` and which state no `verify` postcondition. */
export const retryOnUnprobedWrite = defineRule({
  meta: {
    id: "retry-on-unprobed-write",
    docs: {
      description:
        "A retried write step needs an action with a probe or a `verify:` postcondition, so a retry never repeats a write that landed.",
      severity: "warning",
    },
    messages: {
      unprobed:
        "step {{step}} retries {{action}}, a write {{why}}; add a `verify:` step that checks whether the write already landed, or remove `retry:`",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        if (!step.retry || step.verify || !step.action) return;
        const effect = ctx.effects.effectOf(step);
        if (effect === "read" || probed(step, ctx.effects)) return;
        ctx.report({
          messageId: "unprobed",
          span: step.retry.span,
          data: {
            step: stepLabel(step),
            action: step.action.value,
            why:
              effect === "unknown"
                ? "(not in the catalog, so no probe is known)"
                : declaresProbeField(step, ctx.effects)
                  ? "whose `probe:` query is not given"
                  : "with no probe",
          },
        });
      },
    };
  },
});
