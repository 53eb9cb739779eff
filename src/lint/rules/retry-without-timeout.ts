// A retry or poll with no overall deadline can spin for hours while the incident clock runs.
import { stepLabel } from "../context.js";
import { defineRule } from "../rule.js";

/** `retry:` without `timeout:`, unless both `attempts` and a per-attempt step `timeout` bound it. */
export const retryWithoutTimeout = defineRule({
  meta: {
    id: "retry-without-timeout",
    docs: {
      description:
        "A retry or poll needs an overall `retry.timeout` (or `attempts` together with a step `timeout`).",
      severity: "warning",
    },
    messages: {
      noTimeout:
        "{{kind}} of step {{step}} has no overall deadline; add `timeout:` to its `retry:` so it fails in bounded time when it never succeeds",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        const retry = step.retry;
        if (!retry || retry.timeout) return;
        if (retry.attempts !== undefined && step.timeout) return;
        ctx.report({
          messageId: "noTimeout",
          span: retry.span,
          data: { step: stepLabel(step), kind: retry.until ? "the poll" : "the retry" },
        });
      },
    };
  },
});
