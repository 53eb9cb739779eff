// Helm keeps every value of a release in the release Secret and prints it with `helm get values`.
import { defineRule } from "../rule.js";
import { SecretNames } from "../secrets.js";

/** A secret param or secret env var in a helm.upgrade `set` / `setString` value. */
export const secretInHelmValues = defineRule({
  meta: {
    id: "secret-in-helm-values",
    docs: {
      description:
        "A secret must not be passed to helm.upgrade as a `set`/`setString` value: helm stores it in clear in the release and shows it with `helm get values`.",
      severity: "error",
    },
    messages: {
      inValues:
        "{{name}} is secret but is passed to helm as the value `{{key}}`: helm stores every value in the release (sh.helm.release.v1.* Secret) and prints it with `helm get values` and in diffs; keep the credential in a Kubernetes Secret and give the chart its name (most charts take `existingSecret`)",
    },
  },
  create(ctx) {
    const secrets = new SecretNames(ctx.runbook, ctx.index);
    return {
      expression(site) {
        if (!site.template || site.value?.owner.kind !== "step") return;
        const step = site.value.owner.site.step;
        const [top, key] = site.value.path;
        if (step.action?.value !== "helm.upgrade" || (top !== "set" && top !== "setString") || !key) return;
        for (const ref of ctx.index.info(site.text, true).references) {
          const name = secrets.of(ref);
          if (!name) continue;
          ctx.report({
            messageId: "inValues",
            span: ctx.textSpan(site.text, ref.start, ref.end),
            data: { name, key },
          });
        }
      },
    };
  },
});
