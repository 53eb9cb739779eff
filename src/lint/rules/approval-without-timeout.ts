// An approval with no timeout holds the run (and its lock) until somebody happens to look.
import { stepHead, stepLabel, withEntry } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";

/** `approve` steps with neither `with.timeout` nor a step `timeout`. */
export const approvalWithoutTimeout = defineRule({
  meta: {
    id: "approval-without-timeout",
    docs: {
      description: "An `approve` step needs a timeout (`with.timeout` or the step's `timeout`).",
      severity: "warning",
    },
    messages: {
      noTimeout:
        "approval {{step}} waits forever for a person; set `timeout:` in its `with:` so an unattended run halts instead of holding the lock",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        if (!runsAction(step, "approve") || step.timeout || withEntry(step, "timeout")) return;
        ctx.report({ messageId: "noTimeout", span: stepHead(step), data: { step: stepLabel(step) } });
      },
    };
  },
});
