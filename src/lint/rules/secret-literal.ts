// A credential written into a runbook is leaked to every clone, review and CI log of the repository.
import type { SourceText } from "../../parser/ast.js";
import { defineRule } from "../rule.js";
import type { ValueSite } from "../visitor.js";

/**
 * Known credential shapes, the specific ones first; the message names the kind and never echoes the value. A
 * literal that several shapes match (a GitHub token after `Bearer`, a JWT inside a URL) is reported once, as
 * the first shape that matched it.
 */
const PATTERNS: readonly { kind: string; re: RegExp }[] = [
  { kind: "a GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: "a GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: "a Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: "an AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: "a Stripe secret key", re: /\b[sr]k_live_[0-9A-Za-z]{16,}/g },
  { kind: "an npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "a private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g },
  { kind: "a JSON Web Token", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: "a password inside a URL", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@$]+:(?!\$\{\{)[^\s/@]+@/gi },
  { kind: "a bearer token", re: /\bBearer\s+(?!\$\{\{)[A-Za-z0-9._~+/-]{16,}=*/g },
];

/** Keys whose literal value is a credential whatever it looks like. */
const SECRET_KEY =
  /(?:^|[._-])(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|client[_-]?secret)$/i;

/** Secret-looking literals in values, messages and expressions; literal defaults of `secret` params. */
export const secretLiteral = defineRule({
  meta: {
    id: "secret-literal",
    docs: {
      description:
        "No credential may be written literally in a runbook: pass it through a `secret` param read from the environment.",
      severity: "error",
    },
    messages: {
      pattern:
        "this looks like {{kind}} written into the runbook; move it to a `secret` param with `from: env.NAME`",
      secretKey:
        "`{{key}}` holds a literal credential; use `${{ params.NAME }}` with a `secret` param read from the environment",
      secretDefault:
        "secret param {{param}} has a literal default, so the secret is in the file; remove the default and use `from: env.NAME`",
    },
  },
  create(ctx) {
    const scan = (text: SourceText) => {
      const taken: [number, number][] = [];
      for (const { kind, re } of PATTERNS) {
        re.lastIndex = 0;
        for (let m = re.exec(text.text); m; m = re.exec(text.text)) {
          const [from, to] = [m.index, m.index + m[0].length];
          if (taken.some(([f, t]) => from < t && f < to)) continue;
          taken.push([from, to]);
          ctx.report({ messageId: "pattern", span: ctx.textSpan(text, from, to), data: { kind } });
        }
      }
    };
    return {
      value(site: ValueSite) {
        const v = site.value;
        if (v.kind !== "string") return;
        if (site.owner.kind === "param" && site.owner.param.type === "secret") {
          if (v.value !== "" && !v.template) {
            ctx.report({
              messageId: "secretDefault",
              span: v.span,
              data: { param: site.owner.param.name.value },
            });
          }
          return;
        }
        const key = site.path[site.path.length - 1];
        if (key && SECRET_KEY.test(key) && !v.template && v.value.trim() !== "") {
          ctx.report({ messageId: "secretKey", span: v.span, data: { key } });
          return;
        }
        scan(v.source);
      },
      expression(site) {
        // Templates are scanned as values above; bare expressions may hold literals too.
        if (!site.template) scan(site.text);
      },
    };
  },
});
