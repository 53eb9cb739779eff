// A credential in a plain param is planned, journaled and (with a default) committed in clear.
import type { Param } from "../../parser/ast.js";
import { defineRule } from "../rule.js";
import { nameWords } from "../secrets.js";
import { literalString } from "../values.js";

/** The last word of a param name that means the value is the credential itself. */
const CREDENTIAL_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "token",
  "apikey",
  "credential",
  "credentials",
  "secret",
]);

/** A Kubernetes object name (a DNS subdomain): what `adminSecret: grafana-admin` refers to, not a credential. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** True when a param's name says it holds a credential (its last word, or `…ApiKey`). */
function credentialName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1] ?? "";
  const pair = words.slice(-2).join("");
  return CREDENTIAL_WORDS.has(last) || pair === "apikey" || pair === "privatekey";
}

/** A param plainly named for a credential, not typed `secret`, with a literal default. */
export const secretParamUntyped = defineRule({
  meta: {
    id: "secret-param-untyped",
    docs: {
      description:
        "A param named for a credential (`…Password`, `…Token`, `…ApiKey`) with a literal default must be typed `secret` and read from the environment.",
      severity: "warning",
    },
    messages: {
      untyped:
        "param {{param}} is named for a credential but is a plain {{type}} with a literal default: the value is in the file, and rbx plans and journals it in clear; declare it `{ type: secret, from: env.NAME }` without a default",
    },
  },
  create(ctx) {
    const check = (p: Param) => {
      if (p.type === "secret" || (p.type !== "string" && p.type !== "url")) return;
      const value = literalString(p.default);
      if (value === undefined || value.trim() === "" || !credentialName(p.name.value)) return;
      // `adminSecret: grafana-admin` names a Kubernetes Secret; the credential is in the cluster.
      const last = nameWords(p.name.value).pop();
      if (last === "secret" && K8S_NAME.test(value)) return;
      ctx.report({
        messageId: "untyped",
        span: (p.default ?? p.name).span,
        data: { param: p.name.value, type: p.type },
      });
    };
    return { param: check };
  },
});
