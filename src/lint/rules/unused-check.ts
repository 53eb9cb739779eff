// A check suite that no step runs verifies nothing, while reviewers assume it does.
import { defineRule } from "../rule.js";

/** Named check suites that no `check:` step (in phases, rollbacks or other suites) runs. */
export const unusedCheck = defineRule({
  meta: {
    id: "unused-check",
    docs: {
      description: "Every named check suite must be run by a `check:` step.",
      severity: "warning",
    },
    messages: {
      unused:
        "check suite {{check}} is never run; add `- check: {{check}}` where it should verify, or remove it",
    },
  },
  create(ctx) {
    const used = new Set<string>();
    return {
      step({ step }) {
        if (step.check) used.add(step.check.value);
      },
      runbookExit(runbook) {
        for (const s of runbook.checks) {
          if (!used.has(s.name.value))
            ctx.report({ messageId: "unused", span: s.name.span, data: { check: s.name.value } });
        }
      },
    };
  },
});
