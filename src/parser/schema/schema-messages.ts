// What each JSON Schema failure means for a runbook author: a diagnostic code and a message saying what to do.
import type { ErrorObject } from "ajv";
import { DURATION_HINT, durationPattern } from "../../contract/duration.js";
import { closestNames, didYouMeanPhrase } from "../../diagnostics/did-you-mean.js";

/** The thing a schema definition describes, for "Unknown field … in a step". */
const nouns: Record<string, string> = {
  "#": "the runbook",
  metadata: "metadata",
  param: "a param",
  envDecl: "an env declaration",
  "connection-kubernetes": "a kubernetes connection",
  "connection-postgres": "a postgres connection",
  "connection-http": "an http connection",
  connection: "a connection",
  assertion: "an assertion",
  retry: "retry",
  stepBody: "a step",
  step: "a step",
  phase: "a phase",
};

/** The `$defs` name an error's schema path points into (`#/$defs/retry/...` → `retry`), or `#` for the root. */
function defName(schemaPath: string): string {
  const m = /^#\/\$defs\/([^/]+)/.exec(schemaPath);
  if (!m) return "#";
  if (m[1] === "actions") return `action ${/^#\/\$defs\/actions\/([^/]+)/.exec(schemaPath)?.[1] ?? ""}`;
  return m[1] as string;
}

function nounOf(schemaPath: string): string {
  const def = defName(schemaPath);
  if (def.startsWith("action ")) return `the \`with:\` of ${def.slice(7)}`;
  return nouns[def] ?? "this mapping";
}

/** `"timeout"` for `/phases/0/steps/1/timeout`, `item 2 of "steps"` for a list item. */
function fieldName(segments: readonly string[]): string {
  const last = segments[segments.length - 1];
  if (last === undefined) return "The document";
  if (/^\d+$/.test(last)) return `item ${Number(last) + 1} of "${segments[segments.length - 2] ?? ""}"`;
  return `"${last}"`;
}

function jsonType(v: unknown): string {
  if (v === null) return "null (an empty value)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a number";
  if (typeof v === "boolean") return "a boolean";
  return "a string";
}

const typeWords: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  null: "null",
};

const show = (v: unknown): string => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

const nameRules: Record<string, string> = {
  identifier:
    "it is read in expressions (steps.<id>, params.<name>), so use letters, digits and _, starting with a letter or _",
  name: "use letters, digits, - and _, starting with a letter",
  envName: "use letters, digits and _, starting with a letter or _",
};

/** Code and message for one ajv error; `segments` is its instance path. */
export function schemaErrorMessage(
  e: ErrorObject,
  segments: readonly string[],
): { code: string; message: string } {
  const def = defName(e.schemaPath);
  const field = fieldName(segments);
  if (e.schemaPath.startsWith("#/properties/apiVersion/")) {
    return {
      code: "unknown-api-version",
      message: `Unknown apiVersion ${show(e.data)}: this rbx reads rbx/v1 documents; set \`apiVersion: rbx/v1\``,
    };
  }
  if (e.schemaPath.startsWith("#/properties/kind/")) {
    return {
      code: "wrong-kind",
      message: `kind must be Runbook (or CheckLibrary for a file of shared checks), not ${show(e.data)}; set \`kind: Runbook\``,
    };
  }
  // A step's or retry's duration (which may be a template), or one in an action's `with:`: the same grammar.
  const inWith = (e.parentSchema as { pattern?: unknown } | undefined)?.pattern === durationPattern;
  if ((def === "duration" || inWith) && e.keyword !== "required") {
    return {
      code: "invalid-duration",
      message: `${show(e.data)} is not a duration; ${DURATION_HINT}, or one whole \`\${{ }}\` template such as "\${{ params.wait }}"`,
    };
  }
  if (def === "semver") {
    return {
      code: "invalid-semver",
      message: `${show(e.data)} is not a semantic version; write MAJOR.MINOR.PATCH such as 1.4.0 (no leading v)`,
    };
  }
  const rule = nameRules[def];
  if (rule !== undefined && e.keyword !== "type") {
    const what = e.propertyName !== undefined ? show(e.propertyName) : show(e.data);
    return { code: "invalid-name", message: `${what} is not a valid name here: ${rule}` };
  }
  switch (e.keyword) {
    case "additionalProperties":
      return {
        code: "unknown-field",
        message: `Unknown field "${String(e.params.additionalProperty)}" in ${nounOf(e.schemaPath)}.`,
      };
    case "required":
      return {
        code: "missing-field",
        message: `${nounOf(e.schemaPath).replace(/^./, (c) => c.toUpperCase())} needs the field "${String(e.params.missingProperty)}"; add it`,
      };
    case "type": {
      const want = String(e.params.type)
        .split(",")
        .map((t) => typeWords[t] ?? t)
        .join(" or ");
      const fix = segments.length === 0 ? " (apiVersion, kind, metadata, phases)" : "";
      return { code: "wrong-type", message: `${field} must be ${want}${fix}, not ${jsonType(e.data)}` };
    }
    case "enum": {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const near = closestNames(String(e.data), allowed, 1);
      const hint = didYouMeanPhrase(near);
      return {
        code: "invalid-value",
        message: `${show(e.data)} is not allowed for ${field}; use one of: ${allowed.join(", ")}.${hint}`,
      };
    }
    case "const":
      return { code: "invalid-value", message: `${field} must be ${show(e.params.allowedValue)}` };
    case "minItems":
      return {
        code: "invalid-value",
        message: `${field} must list at least ${String(e.params.limit)} item(s); add one or remove the field`,
      };
    case "minLength":
      return {
        code: "invalid-value",
        message: `${field} must not be empty; write a value or remove the field`,
      };
    case "minimum":
      return { code: "invalid-value", message: `${field} must be at least ${String(e.params.limit)}` };
    case "uniqueItems":
      return { code: "invalid-value", message: `${field} lists the same value twice; remove the duplicate` };
    case "pattern":
      if (segments[segments.length - 1] === "from") {
        return {
          code: "invalid-value",
          message: `${show(e.data)}: write \`from: env.NAME\` to read the environment`,
        };
      }
      if (segments[segments.length - 1] === "action") {
        return {
          code: "invalid-name",
          message: `${show(e.data)} is not an action name; actions are dotted camelCase words such as helm.upgrade or kubectl.rolloutStatus`,
        };
      }
      return { code: "invalid-value", message: `${show(e.data)} does not match the format of ${field}` };
    default:
      return { code: "invalid-value", message: `${field} ${e.message ?? "is invalid"}` };
  }
}
