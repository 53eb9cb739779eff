// Params from `--param k=v`, a params file, defaults and the environment, checked against their types.

import { DURATION_HINT, parseDuration } from "../../contract/duration.js";
import type { JsonValue } from "../../contract/json.js";
import type { Param, Runbook, ValueNode } from "../../parser/ast.js";
import { templateDefault } from "../../parser/param-defaults.js";
import { isHttpUrl, isSemver } from "../../parser/value-formats.js";
import { evaluateTemplateDefaults } from "./param-default-values.js";
import { MIN_SECRET_LENGTH } from "./taint-redactor.js";

/** Why a short secret is refused; never its value or its length. */
export function shortSecret(what: string): string {
  return (
    `${what} is a secret shorter than ${MIN_SECRET_LENGTH} characters; rbx refuses it, because a value that short ` +
    "cannot be masked in logs, journals and reports without giving itself away (and is easy to guess): use a longer one"
  );
}

/** Where param values come from, highest priority first: command line, params file, `from: env`, default. */
export interface ParamSources {
  cli: ReadonlyMap<string, string>;
  file?: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Values recorded by an earlier start of the same run (resume); secrets are never among them. */
  recorded?: Readonly<Record<string, JsonValue>>;
}

/** Resolved params: JSON values by name, which are secret, and every problem found. */
export interface ResolvedParams {
  values: Record<string, JsonValue>;
  secrets: Set<string>;
  problems: string[];
}

function literal(v: ValueNode): unknown {
  switch (v.kind) {
    case "string":
    case "bool":
    case "number":
      return v.value;
    case "null":
      return null;
    case "list":
      return v.items.map(literal);
    case "map":
      return Object.fromEntries(v.entries.map((e) => [e.key.value, literal(e.value)]));
  }
}

/** Convert one raw value to the param's type, or say what is wrong with it. */
export function coerceParam(
  p: Param,
  raw: unknown,
): { ok: true; value: JsonValue } | { ok: false; message: string } {
  const name = p.name.value;
  const text = typeof raw === "string" ? raw : undefined;
  const bad = (what: string) => ({
    ok: false as const,
    message: `param "${name}" must be ${what}; got ${JSON.stringify(raw)}`,
  });
  switch (p.type) {
    case "int": {
      if (typeof raw === "number" && Number.isSafeInteger(raw)) return { ok: true, value: raw };
      if (text !== undefined && /^-?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))) {
        return { ok: true, value: Number(text) };
      }
      return bad("a whole number");
    }
    case "bool":
      if (typeof raw === "boolean") return { ok: true, value: raw };
      if (text === "true" || text === "false") return { ok: true, value: text === "true" };
      return bad("true or false");
    case "semver":
      return text !== undefined && isSemver(text)
        ? { ok: true, value: text }
        : bad("a semantic version such as 1.4.0");
    case "duration":
      return text !== undefined && parseDuration(text) !== undefined
        ? { ok: true, value: text }
        : bad(`a duration (${DURATION_HINT})`);
    case "url":
      return text !== undefined && isHttpUrl(text)
        ? { ok: true, value: text }
        : bad("an absolute http:// or https:// URL");
    case "enum": {
      const allowed = (p.values ?? []).map((v) => v.value);
      return text !== undefined && allowed.includes(text)
        ? { ok: true, value: text }
        : bad(`one of ${allowed.join(", ")}`);
    }
    default:
      if (typeof raw === "number" || typeof raw === "boolean") return { ok: true, value: String(raw) };
      return text !== undefined ? { ok: true, value: text } : bad("a string");
  }
}

/**
 * Resolve and type-check every param before anything runs. A default written as a `${{ }}` template is an
 * expression over the other params: it is evaluated last, after the given and literal values, each default
 * after the defaults it reads, and its value is checked against the param's type like any other.
 */
export function resolveParams(runbook: Runbook, src: ParamSources): ResolvedParams {
  const values: Record<string, JsonValue> = {};
  const secrets = new Set<string>();
  const problems: string[] = [];
  const declared = new Map(runbook.params.map((p) => [p.name.value, p]));
  for (const name of [...src.cli.keys(), ...Object.keys(src.file ?? {})]) {
    if (!declared.has(name)) {
      const known = [...declared.keys()].join(", ") || "none";
      problems.push(`unknown param "${name}"; the runbook declares: ${known}`);
    }
  }
  /** Params whose value comes from a template default, evaluated once every other value is known. */
  const fromTemplate = new Set<string>();
  for (const p of runbook.params) {
    const name = p.name.value;
    if (p.type === "secret") secrets.add(name);
    let raw: unknown;
    if (src.cli.has(name)) {
      if (p.type === "secret") {
        problems.push(
          `param "${name}" is a secret: do not pass it on the command line (it would show in shell history and ps); ` +
            `set it in the environment${p.from ? ` variable ${p.from.env}` : " through `from: env.NAME`"} or a params file`,
        );
        continue;
      }
      raw = src.cli.get(name);
    } else if (src.file && name in src.file) raw = src.file[name];
    else if (p.from && src.env[p.from.env] !== undefined) raw = src.env[p.from.env];
    else if (src.recorded && name in src.recorded && p.type !== "secret") raw = src.recorded[name];
    else if (p.default && templateDefault(p) && p.type !== "secret") {
      fromTemplate.add(name);
      continue;
    } else if (p.default) raw = literal(p.default);
    else {
      const how = p.from
        ? `set the environment variable ${p.from.env}`
        : `give it with --param ${name}=VALUE`;
      problems.push(`param "${name}" (${p.type}) is required: ${how}`);
      continue;
    }
    const r = coerceParam(p, raw);
    if (!r.ok) problems.push(p.type === "secret" ? `param "${name}" must be a string` : r.message);
    else if (p.type === "secret" && typeof r.value === "string" && r.value.length < MIN_SECRET_LENGTH)
      problems.push(shortSecret(`param "${name}"`));
    else values[name] = r.value;
  }
  evaluateTemplateDefaults(runbook, fromTemplate, values, (p, outcome) => {
    const name = p.name.value;
    const shown = `its default \`${templateDefault(p)?.source.text}\``;
    if (!outcome.ok) {
      // A default waiting on another param points at that param: giving it fixes both.
      const fix = outcome.after
        ? `giving ${outcome.after} gives it one (or give it with --param ${name}=VALUE)`
        : `give it with --param ${name}=VALUE`;
      problems.push(`param "${name}" has no value: ${outcome.message}; ${fix}`);
      return;
    }
    const r = coerceParam(p, outcome.raw);
    if (r.ok) values[name] = r.value;
    else problems.push(`${r.message} (from ${shown})`);
  });
  // Declaration order, wherever each value came from (plans and journals list params as the document does).
  const ordered: Record<string, JsonValue> = {};
  for (const p of runbook.params) {
    const v = values[p.name.value];
    if (v !== undefined) ordered[p.name.value] = v;
  }
  return { values: ordered, secrets, problems };
}

/** Parse `k=v` arguments; returns the map and the malformed ones. */
export function parseParamArgs(args: readonly string[]): { params: Map<string, string>; bad: string[] } {
  const params = new Map<string, string>();
  const bad: string[] = [];
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq <= 0) bad.push(a);
    else params.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return { params, bad };
}
