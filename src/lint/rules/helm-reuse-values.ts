// `--reuse-values` on a chart change merges the old release's values and drops the new chart's defaults.
import { stepLabel, withEntry } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";
import { literalTrue } from "../values.js";

/** helm.upgrade with `reuseValues: true` and a chart `version` (a chart change), without resetThenReuseValues. */
export const helmReuseValues = defineRule({
  meta: {
    id: "helm-reuse-values",
    docs: {
      description:
        "helm.upgrade to a chart version must not `reuseValues`: the new chart's defaults are dropped; pass the values files (or `resetThenReuseValues`).",
      severity: "warning",
    },
    messages: {
      reuse:
        "helm.upgrade in step {{step}} changes the chart version with `reuseValues: true`: helm merges the previous release's values and ignores the new chart's values.yaml, so keys the new chart adds or renames are missing; pass the reviewed values files (`values:`), or use `resetThenReuseValues: true`",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        if (!runsAction(step, "helm.upgrade")) return;
        const reuse = withEntry(step, "reuseValues");
        if (!reuse || !literalTrue(reuse.value) || !withEntry(step, "version")) return;
        if (literalTrue(withEntry(step, "resetThenReuseValues")?.value)) return;
        ctx.report({ messageId: "reuse", span: reuse.key.span, data: { step: stepLabel(step) } });
      },
    };
  },
});
