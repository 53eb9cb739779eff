// A param nobody reads misleads the operator who sets it and hides a missing reference.
import { defineRule } from "../rule.js";

/** Params no expression, template, connection or default reads. */
export const unusedParam = defineRule({
  meta: {
    id: "unused-param",
    docs: {
      description: "Every declared param must be read somewhere (an expression, a template, a connection).",
      severity: "warning",
    },
    messages: {
      unused: "param {{param}} is never used; remove it or reference it as `params.{{param}}`",
    },
  },
  create(ctx) {
    const used = new Set<string>();
    // A computed read (`params[name]`) could be any param: then none is reported.
    let dynamic = false;
    return {
      expression(site) {
        for (const ref of ctx.index.info(site.text, site.template).references) {
          if (ref.root !== "params") continue;
          if (ref.path[0] === undefined) dynamic = true;
          else used.add(ref.path[0]);
        }
      },
      runbookExit(runbook) {
        if (dynamic) return;
        for (const p of runbook.params) {
          if (!used.has(p.name.value))
            ctx.report({ messageId: "unused", span: p.name.span, data: { param: p.name.value } });
        }
      },
    };
  },
});
