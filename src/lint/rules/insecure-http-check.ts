// `insecure: true` turns off TLS verification, so a check can pass against an impostor.
import { defineRule } from "../rule.js";

/** `insecure: true` in an http.check step's `with:` or an http connection. */
export const insecureHttpCheck = defineRule({
  meta: {
    id: "insecure-http-check",
    docs: {
      description:
        "http.check and http connections must verify TLS: no `insecure: true`; give a `ca:` instead.",
      severity: "warning",
    },
    messages: {
      insecure:
        "`insecure: true` skips TLS verification, so this check would pass against any server; trust the server's CA with `ca:` instead",
    },
  },
  create(ctx) {
    return {
      value(site) {
        const entry = site.entry;
        if (entry?.key.value !== "insecure" || site.path.length !== 1) return;
        if (site.value.kind !== "bool" || !site.value.value) return;
        const o = site.owner;
        const http =
          (o.kind === "step" && o.site.step.action?.value === "http.check") ||
          (o.kind === "connection" && o.connection.kind === "http");
        if (http) ctx.report({ messageId: "insecure", span: site.value.span });
      },
    };
  },
});
