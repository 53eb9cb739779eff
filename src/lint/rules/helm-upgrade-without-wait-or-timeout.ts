// `helm upgrade` without --wait returns before pods are ready, and without --timeout it waits helm's default.
import { stepHead, stepLabel, withEntry } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";

/** helm.upgrade steps whose `with` lacks `wait: true` (or `atomic: true`, which implies it) or a `timeout`. */
export const helmUpgradeWithoutWaitOrTimeout = defineRule({
  meta: {
    id: "helm-upgrade-without-wait-or-timeout",
    docs: {
      description:
        "helm.upgrade must wait for the release to become ready (`wait: true` or `atomic: true`) within an explicit `timeout`.",
      severity: "warning",
    },
    messages: {
      noWait:
        "helm.upgrade in step {{step}} does not wait for the rollout, so later steps run against pods that are not ready; set `wait: true`",
      noTimeout:
        "helm.upgrade in step {{step}} has no `timeout`, so it waits helm's implicit 5m; set `timeout:` to how long this rollout may take",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        if (!runsAction(step, "helm.upgrade")) return;
        const wait = withEntry(step, "wait");
        const atomic = withEntry(step, "atomic");
        const isTrue = (e: typeof wait) => e?.value.kind === "bool" && e.value.value;
        // A templated value may well be true at run time; only literal false or absence is reported.
        const templated = (e: typeof wait) => e?.value.kind === "string" && e.value.template;
        if (!isTrue(wait) && !isTrue(atomic) && !templated(wait) && !templated(atomic)) {
          ctx.report({
            messageId: "noWait",
            span: wait ? wait.value.span : stepHead(step),
            data: { step: stepLabel(step) },
          });
        }
        if (!withEntry(step, "timeout")) {
          ctx.report({ messageId: "noTimeout", span: stepHead(step), data: { step: stepLabel(step) } });
        }
      },
    };
  },
});
