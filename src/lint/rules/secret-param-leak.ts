// Redaction covers logs, but a secret in a URL query, a label, a message or a program's argv is stored or shown
// where redaction never runs.
import { splitTemplateText } from "../expr-source.js";
import { defineRule } from "../rule.js";
import { SecretNames } from "../secrets.js";
import type { ExpressionSite } from "../visitor.js";

/** Keys whose value is shown or stored as plain text. */
const PLAIN_KEYS = new Set([
  "label",
  "labels",
  "annotations",
  "annotation",
  "prompt",
  "message",
  "description",
  "title",
  "summary",
  "name",
]);
/** Keys holding a URL. */
const URL_KEY = /(?:^|[._-])(?:url|uri|baseurl|endpoint|href)$/i;

/** Where a URL's query starts: the first `?` outside `${{ }}` parts (a `?` inside is a conditional), or -1. */
function queryStart(text: string): number {
  const parts = splitTemplateText(text);
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "?" && !parts.some((p) => i >= p.start && i < p.start + p.text.length)) return i;
  }
  return -1;
}

/** A secret param or secret env var interpolated into a URL query, a label, a prompt, a message or argv. */
export const secretParamLeak = defineRule({
  meta: {
    id: "secret-param-leak",
    docs: {
      description:
        "A secret param must not flow into a URL query, labels or annotations, prompts or messages, or an `exec` program's arguments.",
      severity: "error",
    },
    messages: {
      query:
        "{{name}} is secret but lands in the query of a URL, which access logs and proxies record; send it in a header instead",
      plain:
        "{{name}} is secret but lands in `{{key}}`, which is stored and shown as plain text; do not interpolate it there",
      message:
        "{{name}} is secret but lands in a message shown to operators and stored in the journal; leave it out",
      argv: '{{name}} is secret but lands in the {{where}} of an `exec` program, which every user of the host reads in the process list (ps, /proc/PID/cmdline); pass it in the environment instead (`with.env`, e.g. `env: { TOKEN: "${{ {{name}} }}" }`) or on standard input (`with.input`)',
    },
  },
  create(ctx) {
    const secrets = new SecretNames(ctx.runbook, ctx.index);
    return {
      expression(site: ExpressionSite) {
        if (!site.template || !site.value) return;
        const { path, owner } = site.value;
        const key = path[path.length - 1] ?? "";
        const isMessage = owner.kind === "assertion";
        const argv =
          owner.kind === "step" &&
          owner.site.step.action?.value === "exec" &&
          (path[0] === "args" || path[0] === "program") &&
          path.length === 1;
        const plainKey = argv ? undefined : path.find((k) => PLAIN_KEYS.has(k.toLowerCase()));
        const isUrl = URL_KEY.test(key);
        if (!isMessage && !plainKey && !isUrl && !argv) return;
        for (const ref of ctx.index.info(site.text, true).references) {
          const name = secrets.of(ref);
          if (!name) continue;
          const span = ctx.textSpan(site.text, ref.start, ref.end);
          if (isMessage) ctx.report({ messageId: "message", span, data: { name } });
          else if (argv)
            ctx.report({
              messageId: "argv",
              span,
              data: { name, where: path[0] === "program" ? "program name" : "arguments" },
            });
          else if (plainKey) ctx.report({ messageId: "plain", span, data: { name, key: plainKey } });
          else {
            const q = queryStart(site.text.text);
            if (q >= 0 && q < ref.start) ctx.report({ messageId: "query", span, data: { name } });
          }
        }
      },
    };
  },
});
