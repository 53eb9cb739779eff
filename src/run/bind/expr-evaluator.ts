// The Evaluator over the expression language: compile once per expression, bind the run's state, taint.

import { paramType, RunbookEnvs, stepOutputType } from "../../check/environment.js";
import type { TypeEnv } from "../../check/type-env.js";
import type { ActionCatalog } from "../../contract/action.js";
import type { CelType } from "../../contract/cel-types.js";
import type { Bindings, CelValue } from "../../contract/cel-values.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import { DURATION_HINT, parseDuration } from "../../contract/duration.js";
import type { JsonValue } from "../../contract/json.js";
import {
  CelDuration,
  compile,
  compileTemplate,
  fromCel,
  isError,
  runtimeTypeName,
  toCel,
} from "../../expr/index.js";
import type { Program as CelProgram } from "../../expr/program.js";
import type { ExprText, Runbook, SourceText, StringValue, ValueNode } from "../../parser/ast.js";
import type { RunState, StepState } from "../model/state.js";
import type { EvalScope, Evaluated, Evaluator } from "./evaluator.js";
import { buildProgram } from "./program.js";
import type { TaintRedactor } from "./taint-redactor.js";

/** What the evaluator binds besides the run's state. */
export interface EvaluatorOptions {
  runbook: Runbook;
  params: Record<string, JsonValue>;
  secretParams: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
  redactor: TaintRedactor;
  catalog: ActionCatalog;
  /** Work counts, for tests that guard complexity without timing anything. */
  counters?: EvaluatorCounters;
}

/** How much work the evaluator did: each count only ever grows. */
export interface EvaluatorCounters {
  /** `steps.<id>` entries looked at (and rebuilt when their record, status or output changed). */
  stepEntries: number;
  /** Type environments built by walking the whole runbook (`output` variants derived from one are O(1), not counted). */
  typeEnvs: number;
}

interface Compiled {
  program?: CelProgram;
  error?: string;
  secret: boolean;
}

/** The evaluator of one run; connections are bound once their own templates were evaluated. */
export interface RunEvaluator extends Evaluator {
  bindConnections(connections: ReadonlyMap<string, ResolvedConnection>): void;
}

/** Build the evaluator for one run. */
export function createEvaluator(o: EvaluatorOptions): RunEvaluator {
  return new CelEvaluator(o);
}

class CelEvaluator implements RunEvaluator {
  private readonly cache = new WeakMap<SourceText, Compiled>();
  private readonly base: { params: CelValue; env: CelValue; connections: CelValue };
  private readonly typeEnvs: RunbookEnvs;
  private readonly envs = new Map<string, TypeEnv>();
  private readonly secrets: Set<string>;
  /** Units whose outputs `steps.<id>` reads, by id, in document order (later runs override). */
  private readonly bound = new Map<string, { keys: string[]; type: CelType }>();
  /** Each unit key's id and its index among that id's units. */
  private readonly unitAt = new Map<string, { id: string; index: number }>();
  /** Per id, the index of the unit whose record `steps.<id>` shows (-1: none has one yet). */
  private readonly winner = new Map<string, number>();
  private readonly stepCache = new Map<
    string,
    { st: StepState | undefined; status: string; output: JsonValue | undefined; cel: CelValue }
  >();
  private stepsValue: Map<string, CelValue> = new Map();
  /** How much of the state's `stepChanges` log the bindings reflect. */
  private stepsSeen = 0;
  private stepsState: RunState | undefined;

  constructor(private readonly o: EvaluatorOptions) {
    const params = new Map<string, CelValue>();
    for (const p of o.runbook.params) {
      const v = o.params[p.name.value];
      if (v !== undefined) params.set(p.name.value, toCel(v, paramType(p.type)));
    }
    const env = new Map<string, CelValue>();
    for (const e of o.runbook.env) env.set(e.name.value, o.env[e.name.value] ?? "");
    this.base = { params, env, connections: new Map() };
    this.typeEnvs = new RunbookEnvs(o.runbook, o.catalog);
    if (o.counters) o.counters.typeEnvs++;
    this.secrets = this.typeEnvs.base.secrets as Set<string>;
    for (const unit of buildProgram(o.runbook).units.values()) {
      const id = unit.step.id?.value;
      if (!id) continue;
      const entry = this.bound.get(id) ?? {
        keys: [],
        type: stepOutputType(unit.step, o.catalog),
      };
      this.unitAt.set(unit.key, { id, index: entry.keys.length });
      entry.keys.push(unit.key);
      this.bound.set(id, entry);
    }
  }

  bindConnections(connections: ReadonlyMap<string, ResolvedConnection>): void {
    const out = new Map<string, CelValue>();
    for (const c of connections.values()) {
      out.set(c.name, toCel({ ...c.fields, kind: c.kind, name: c.name }));
    }
    this.base.connections = out;
  }

  private typeEnv(output?: string): TypeEnv {
    const key = output ?? "";
    let env = this.envs.get(key);
    if (!env) {
      const outType: CelType | undefined =
        output !== undefined ? (this.o.catalog.find(output)?.output ?? { kind: "dyn" }) : undefined;
      env = this.typeEnvs.withOutput(outType);
      this.envs.set(key, env);
    }
    return env;
  }

  private compiled(src: SourceText, template: boolean, output?: string): Compiled {
    const hit = this.cache.get(src);
    if (hit) return hit;
    const env = this.typeEnv(output);
    let r = template ? compileTemplate(src, env) : compile(src, env);
    if (!r.ok)
      r = template ? compileTemplate(src, env, { unchecked: true }) : compile(src, env, { unchecked: true });
    const c: Compiled = r.ok
      ? { program: r.program, secret: r.program.secret || this.mentionsSecret(src.text) }
      : { error: r.diagnostics.map((d) => d.message).join("; "), secret: false };
    this.cache.set(src, c);
    return c;
  }

  // When the type checker could not run (an unchecked fallback), taint by the names the text reads.
  private mentionsSecret(text: string): boolean {
    for (const s of this.secrets) {
      const [root, name] = s.split(".");
      if (new RegExp(`\\b${root}\\s*(\\.\\s*${name}\\b|\\[\\s*["']${name}["']\\s*\\])`).test(text))
        return true;
    }
    return false;
  }

  /**
   * The `steps` bindings for `state`. Built in full once per state object; afterwards only the ids whose
   * units the journal touched since the last call (`state.stepChanges`) are looked at, so evaluating a
   * `when:` costs the same at step 2,000 as at step 2. A step's CEL value keeps its identity until its
   * record, status or output changes.
   */
  private steps(state: RunState): Map<string, CelValue> {
    if (state !== this.stepsState) {
      this.stepsState = state;
      this.stepsSeen = state.stepChanges.length;
      this.winner.clear();
      this.stepsValue = new Map();
      for (const id of this.bound.keys()) {
        this.winner.set(id, this.findWinner(id, state, Number.POSITIVE_INFINITY));
        this.stepsValue.set(id, this.stepEntry(id, state));
      }
      return this.stepsValue;
    }
    const log = state.stepChanges;
    if (this.stepsSeen === log.length) return this.stepsValue;
    const touched = new Set<string>();
    for (let i = this.stepsSeen; i < log.length; i++) {
      const key = log[i] as string;
      const at = this.unitAt.get(key);
      if (!at) continue;
      const best = this.winner.get(at.id) ?? -1;
      if (state.steps.has(key)) {
        // A later unit of the same id (a suite step run again) overrides earlier ones.
        if (at.index < best) continue;
        this.winner.set(at.id, at.index);
      } else if (at.index === best) {
        // The winning unit's record was dropped (a new rollback): fall back to an earlier one.
        this.winner.set(at.id, this.findWinner(at.id, state, at.index));
      } else continue;
      touched.add(at.id);
    }
    this.stepsSeen = log.length;
    for (const id of touched) this.stepsValue.set(id, this.stepEntry(id, state));
    return this.stepsValue;
  }

  /** Index into the id's units of the last one with a record before `below`, or -1 when none has one. */
  private findWinner(id: string, state: RunState, below: number): number {
    const keys = this.bound.get(id)?.keys ?? [];
    for (let i = Math.min(below, keys.length) - 1; i >= 0; i--)
      if (state.steps.has(keys[i] as string)) return i;
    return -1;
  }

  /** The CEL value of `steps.<id>`: the cached one while the winning record is unchanged. */
  private stepEntry(id: string, state: RunState): CelValue {
    if (this.o.counters) this.o.counters.stepEntries++;
    const { keys, type } = this.bound.get(id) as { keys: string[]; type: CelType };
    const w = this.winner.get(id) ?? -1;
    const st: StepState | undefined = w >= 0 ? state.steps.get(keys[w] as string) : undefined;
    const status = st?.status ?? "pending";
    const cached = this.stepCache.get(id);
    if (cached && cached.st === st && cached.status === status && cached.output === st?.output)
      return cached.cel;
    // `output` is present only when the step produced one, so `has(steps.X.output)` is false for a step
    // that is pending, skipped, failed or in doubt, or that was settled without running (operator, verify).
    const cel = new Map<string, CelValue>([["status", status]]);
    if (producedOutput(st)) cel.set("output", toCel(st.output, type));
    this.stepCache.set(id, { st, status, output: st?.output, cel });
    return cel;
  }

  private bindings(scope: EvalScope): Bindings {
    const b: Record<string, CelValue> = {
      params: this.base.params,
      env: this.base.env,
      connections: this.base.connections,
      steps: this.steps(scope.state),
    };
    if (scope.output) b.output = toCel(scope.output.value, this.o.catalog.find(scope.output.action)?.output);
    return b;
  }

  private run(src: SourceText, template: boolean, scope: EvalScope): Evaluated<CelValue> {
    const c = this.compiled(src, template, scope.output?.action);
    if (!c.program) return { ok: false, message: c.error ?? "cannot compile" };
    const v = c.program.evaluate(this.bindings(scope));
    if (isError(v)) return { ok: false, message: this.o.redactor.redact(v.message) };
    if (c.secret) this.o.redactor.addDerived(fromCel(v));
    return { ok: true, value: v };
  }

  condition(expr: ExprText, scope: EvalScope): Evaluated<boolean> {
    const r = this.run(expr, false, scope);
    if (!r.ok) return r;
    if (typeof r.value !== "boolean") return { ok: false, message: `\`${expr.text}\` must be true or false` };
    return { ok: true, value: r.value };
  }

  value(node: ValueNode, scope: EvalScope): Evaluated<JsonValue> {
    switch (node.kind) {
      case "string": {
        if (!node.template) return { ok: true, value: node.value };
        const r = this.run(node.source, true, scope);
        return r.ok ? { ok: true, value: fromCel(r.value) } : r;
      }
      case "number":
      case "bool":
        return { ok: true, value: node.value };
      case "null":
        return { ok: true, value: null };
      case "list": {
        const out: JsonValue[] = [];
        for (const item of node.items) {
          const r = this.value(item, scope);
          if (!r.ok) return r;
          out.push(r.value);
        }
        return { ok: true, value: out };
      }
      case "map": {
        const out: { [key: string]: JsonValue } = {};
        for (const e of node.entries) {
          const r = this.value(e.value, scope);
          if (!r.ok) return { ok: false, message: `${e.key.value}: ${r.message}` };
          out[e.key.value] = r.value;
        }
        return { ok: true, value: out };
      }
    }
  }

  duration(template: SourceText, scope: EvalScope): Evaluated<number> {
    const r = this.run(template, true, scope);
    if (!r.ok) return r;
    const v = r.value;
    let ms: number | undefined;
    if (v instanceof CelDuration) ms = Number(v.nanos) / 1e6;
    else if (typeof v === "string") {
      ms = parseDuration(v);
      if (ms === undefined) {
        const shown = this.o.redactor.redact(JSON.stringify(v));
        return {
          ok: false,
          message: `${shown} is not a duration; ${DURATION_HINT}`,
        };
      }
    } else {
      return {
        ok: false,
        message: `the value is a ${runtimeTypeName(v)}, not a duration or a string such as "5m"`,
      };
    }
    if (!(ms >= 0)) return { ok: false, message: "the duration is negative" };
    return { ok: true, value: Math.round(ms) };
  }

  message(template: StringValue, scope: EvalScope): string {
    if (!template.template) return template.value;
    const r = this.run(template.source, true, scope);
    if (!r.ok) return template.value;
    const v = fromCel(r.value);
    return this.o.redactor.redact(typeof v === "string" ? v : JSON.stringify(v));
  }
}

/** True when the step ran to success and recorded an output (`steps.<id>.output` exists). */
function producedOutput(st: StepState | undefined): st is StepState & { output: JsonValue } {
  if (st?.status !== "succeeded" || st.output === undefined) return false;
  return !(st.output === null && (st.settledBy === "operator" || st.settledBy === "verify"));
}
