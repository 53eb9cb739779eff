// A `when` or guard that reads nothing always gives the same answer: dead code or a check that never checks.
import { defineRule } from "../rule.js";

/** `when` and guard expressions that read no param, step, output or env and call nothing time-dependent. */
export const constantCondition = defineRule({
  meta: {
    id: "constant-condition",
    docs: {
      description:
        "A `when` or guard must depend on something (a param, a step output, env); a constant one is dead or never checks.",
      severity: "warning",
    },
    messages: {
      constant:
        "this {{role}} reads no param, step output or env, so it is always the same; make it test what it means to test, or remove it",
    },
  },
  create(ctx) {
    return {
      expression(site) {
        if (site.template || (site.role !== "when" && site.role !== "guard")) return;
        const info = ctx.index.info(site.text, false);
        if (!ctx.index.expressions.isConstant(info)) return;
        ctx.report({
          messageId: "constant",
          span: site.text.span,
          data: { role: site.role === "when" ? "`when`" : "guard" },
        });
      },
    };
  },
});
