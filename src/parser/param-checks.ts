// Param declarations that cannot work: defaults that do not fit the type, enums without values, literal secrets.

import { DURATION_HINT, parseDuration } from "../contract/duration.js";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { Param, ValueNode } from "./ast.js";
import { isHttpUrl, isSemver } from "./value-formats.js";

const show = (v: ValueNode): string => {
  switch (v.kind) {
    case "string":
      return `"${v.value}"`;
    case "number":
      return v.raw;
    case "bool":
      return String(v.value);
    case "null":
      return "an empty value";
    default:
      return `a ${v.kind}`;
  }
};

/** Why `value` does not fit `param`, or undefined when it does. */
function defaultMismatch(param: Param, value: ValueNode): string | undefined {
  const str = value.kind === "string" ? value.value : undefined;
  switch (param.type) {
    case "int":
      return value.kind === "number" && value.integer ? undefined : "write a whole number such as 3";
    case "bool":
      return value.kind === "bool" ? undefined : "write true or false (unquoted)";
    case "string":
      return str !== undefined ? undefined : "quote it to make it a string";
    case "semver":
      return str !== undefined && isSemver(str)
        ? undefined
        : "write a semantic version such as 1.4.0 (quoted)";
    case "duration":
      return str !== undefined && parseDuration(str) !== undefined ? undefined : DURATION_HINT;
    case "url":
      return str !== undefined && isHttpUrl(str) ? undefined : "write an absolute http:// or https:// URL";
    case "enum": {
      const allowed = (param.values ?? []).map((v) => v.value);
      if (str !== undefined && allowed.includes(str)) return undefined;
      const hint = str !== undefined ? didYouMean(str, allowed) : "";
      return `use one of the listed values: ${allowed.join(", ")}.${hint}`;
    }
    default:
      return undefined;
  }
}

/** Problems of each param declaration. */
export function paramProblems(params: readonly Param[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of params) {
    const name = p.name.value;
    if (p.type === "enum" && (p.values === undefined || p.values.length === 0)) {
      out.push(
        diagnostic(
          "enum-without-values",
          "error",
          `Param "${name}" is an enum without values; list them with \`values: [a, b]\``,
          p.typeSpan,
        ),
      );
    }
    if (p.type !== "enum" && p.values !== undefined) {
      out.push(
        diagnostic(
          "values-without-enum",
          "error",
          `Param "${name}" lists values but is of type ${p.type}; set \`type: enum\` or remove \`values\``,
          p.typeSpan,
        ),
      );
    }
    const def = p.default;
    if (!def) continue;
    if (p.type === "secret") {
      out.push(
        diagnostic(
          "secret-default",
          "error",
          `Secret param "${name}" must not have a literal default: remove it and read the secret with \`from: env.NAME\``,
          def.span,
        ),
      );
      continue;
    }
    if (def.kind === "string" && def.template) continue;
    if (p.type === "enum" && (p.values ?? []).length === 0) continue;
    const why = defaultMismatch(p, def);
    if (why !== undefined) {
      out.push(
        diagnostic(
          "invalid-default",
          "error",
          `The default ${show(def)} of param "${name}" is not a valid ${p.type}: ${why}`,
          def.span,
        ),
      );
    }
  }
  return out;
}
