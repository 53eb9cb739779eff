// Param defaults written as `${{ }}` templates, evaluated over the params already resolved, in dependency order.

import { paramDefaultEnv, paramType } from "../../check/environment.js";
import { formatDuration } from "../../contract/duration.js";
import type { JsonValue } from "../../contract/json.js";
import { CelDuration, type CelValue, compileTemplate, fromCel, isError, toCel } from "../../expr/index.js";
import type { Param, Runbook } from "../../parser/ast.js";
import { defaultOrder, defaultReads, templateDefault } from "../../parser/param-defaults.js";

/** What evaluating one template default gave: the raw value to coerce to the param's type, or why not. */
export type DefaultOutcome =
  | { ok: true; raw: unknown }
  /** `after`: the param without a value the default reads, whose own problem is the one to fix. */
  | { ok: false; message: string; after?: string };

/**
 * Evaluate the template defaults of the params in `wanted` (those no other source gave), each after the
 * defaults it reads. `values` holds every param resolved so far and is read as the defaults' `params`;
 * `coerce` turns a raw value into the param's typed value and stores it there (or says why it does not fit).
 * A default that reads a secret param, a param without a value, or sits in a cycle is a problem, never a crash.
 */
export function evaluateTemplateDefaults(
  runbook: Runbook,
  wanted: ReadonlySet<string>,
  values: Record<string, JsonValue>,
  coerce: (p: Param, outcome: DefaultOutcome) => void,
): void {
  if (wanted.size === 0) return;
  const { order, cycles } = defaultOrder(runbook.params);
  for (const cycle of cycles) {
    const names = cycle.map((c) => c.param.name.value);
    for (const c of cycle) {
      if (!wanted.has(c.param.name.value)) continue;
      const message = `the defaults of params ${[...names, names[0]].join(" → ")} read each other in a circle; give one of them with --param`;
      coerce(c.param, { ok: false, message });
    }
  }
  const declared = new Map(runbook.params.map((p) => [p.name.value, p]));
  const env = paramDefaultEnv(runbook);
  for (const p of order) {
    if (!wanted.has(p.name.value)) continue;
    const d = templateDefault(p);
    if (!d) continue;
    const why = unreadable(
      defaultReads(d).map((r) => r.name),
      declared,
      values,
    );
    if (why) {
      coerce(p, { ok: false, ...why });
      continue;
    }
    const compiled = compileTemplate(d.source, env);
    if (!compiled.ok) {
      const message = compiled.diagnostics.map((x) => x.message).join("; ");
      coerce(p, { ok: false, message: `its default does not compile: ${message}` });
      continue;
    }
    const params = new Map<string, CelValue>();
    for (const q of runbook.params) {
      const v = values[q.name.value];
      if (v !== undefined && q.type !== "secret") params.set(q.name.value, toCel(v, paramType(q.type)));
    }
    const v = compiled.program.evaluate({ params });
    if (isError(v)) coerce(p, { ok: false, message: `its default failed: ${v.message}` });
    else coerce(p, rawValue(v));
  }
}

/** Why a default cannot be evaluated from these params, or undefined when every param it reads has a value. */
function unreadable(
  reads: readonly string[],
  declared: ReadonlyMap<string, Param>,
  values: Readonly<Record<string, JsonValue>>,
): { message: string; after?: string } | undefined {
  for (const name of reads) {
    const q = declared.get(name);
    if (q?.type === "secret")
      return {
        message: `its default reads the secret param "${name}", which a default may not (defaults are planned and journaled)`,
      };
    if (q && values[name] === undefined)
      return { message: `its default reads params.${name}, which has no value`, after: name };
  }
  return undefined;
}

/** A CEL value as a param's raw value: durations in rbx spelling (`2m`), the rest as JSON. */
function rawValue(v: CelValue): DefaultOutcome {
  if (v instanceof CelDuration) {
    const ms = Number(v.nanos) / 1e6;
    if (!Number.isInteger(ms) || ms < 0)
      return { ok: false, message: "its default is not a whole, positive number of milliseconds" };
    return { ok: true, raw: formatDuration(ms) };
  }
  return { ok: true, raw: fromCel(v) };
}
