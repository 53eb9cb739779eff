// Type-checks every expression and template of a loaded runbook, with diagnostics at exact file positions.

import type { ActionCatalog } from "../contract/action.js";
import { type CelType, T, typeName } from "../contract/cel-types.js";
import type { JsonSchema, JsonValue } from "../contract/json.js";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type {
  Assertion,
  DurationValue,
  Runbook,
  SourceText,
  Step,
  StringValue,
  ValueNode,
} from "../parser/ast.js";
import { sliceSource, spanIn } from "../parser/expr/positions.js";
import { isWholeExpression, splitTemplate } from "../parser/expr/template-pieces.js";
import { defaultReads, templateDefault } from "../parser/param-defaults.js";
import { analyze } from "./analyze.js";
import { defaultResultTypes, paramDefaultEnv, RunbookEnvs, stepOutputType } from "./environment.js";
import { type RanBefore, RunOrder, stepRefs } from "./run-order.js";
import type { TypeEnv } from "./type-env.js";
import { compatible, isDynLike } from "./type-utils.js";

interface Context {
  env: TypeEnv;
  ran: RanBefore;
  /** The step being checked (its own id may be read in expect/until). */
  self?: string;
}

/** How much work one check did, for tests that guard its complexity without timing it. */
export interface CheckCounters {
  /** Type environments built by walking the whole runbook (the per-step `output` variants are O(1)). */
  runbookWalks: number;
  /** Distinct `output` environments derived from the base. */
  outputEnvs: number;
  /** Step ids copied into "has run before" sets (run order keeps views; only check suites copy). */
  idsCopied: number;
}

/**
 * Check a runbook's expressions: guards, `when`, `expect`, `retry.until`, `with:` and connection templates,
 * assertion messages, rollback steps and check suites. Pass the loaded file for exact line:column in
 * multi-line scalars (the loader's `LoadResult.source`); pass `counters` to have the work counted.
 */
export function checkRunbook(
  runbook: Runbook,
  catalog: ActionCatalog,
  file?: SourceFile,
  counters?: CheckCounters,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const order = new RunOrder(runbook);
  const envs = new RunbookEnvs(runbook, catalog);
  const base = envs.base;
  // Exact positions come from each expression's own file: the runbook's, or a check library it imports.
  const files = new Map(runbook.libraries.map((l) => [l.source.name, l.source]));
  if (file) files.set(file.name, file);
  const optsOf = (source: SourceText | string): { file?: SourceFile } => {
    const f = typeof source === "string" ? undefined : files.get(source.span.file);
    return f ? { file: f } : {};
  };

  const refsOk = (source: SourceText | string, ast: Parameters<typeof stepRefs>[0], ctx: Context) => {
    for (const r of stepRefs(ast)) {
      if (ctx.ran.has(r.id) || r.id === ctx.self) continue;
      const place = order.placement.get(r.id);
      if (!place) continue;
      const where = place.phase ? `in phase '${place.phase}'` : `in check suite '${place.suite}'`;
      const message = `step '${r.id}' has not run yet when this is evaluated (it runs ${where}, later); read only steps that run earlier, or move this expression after it`;
      out.push(
        diagnostic(
          "step-not-yet-run",
          "error",
          message,
          spanIn({ source, ...optsOf(source) }, r.start, r.end),
        ),
      );
    }
  };

  const expr = (
    source: SourceText | undefined,
    ctx: Context,
    want?: { type: CelType; what: string },
  ): CelType | undefined => {
    if (!source) return undefined;
    const r = analyze(source, ctx.env, optsOf(source));
    out.push(...r.diagnostics);
    if (!r.ok) return undefined;
    refsOk(source, r.ast, ctx);
    const t = r.checked?.type ?? T.dyn;
    if (want && !compatible(t, want.type)) {
      const message = `${want.what} must be ${typeName(want.type)}, but this expression is ${typeName(t)}; compare it, e.g. x == "value" or size(x) > 0`;
      out.push(
        diagnostic(
          "type-mismatch",
          "error",
          message,
          spanIn({ source, ...optsOf(source) }, 0, source.text.length),
        ),
      );
    }
    return t;
  };

  const template = (v: StringValue, ctx: Context): CelType | undefined => {
    if (!v.template) return T.string;
    const { pieces, unclosedAt } = splitTemplate(v.source.text);
    if (unclosedAt !== undefined) {
      const d = diagnostic(
        "expr-syntax",
        "error",
        "this `${{` is never closed; add `}}` after the expression",
        spanIn({ source: v.source, ...optsOf(v.source) }, unclosedAt, unclosedAt + 3),
      );
      out.push(d);
      return undefined;
    }
    let type: CelType | undefined = T.string;
    for (const p of pieces) {
      if (p.kind !== "expr") continue;
      const t = expr(sliceSource(v.source, p.start, p.end) as SourceText, ctx);
      if (isWholeExpression(v.source.text)) type = t;
    }
    return type;
  };

  const values = (v: ValueNode, ctx: Context, schema: JsonSchema | undefined, path: string) => {
    if (v.kind === "string") {
      const t = template(v, ctx);
      if (t && v.template && isWholeExpression(v.source.text)) schemaType(v, t, schema, path);
    } else if (v.kind === "list") {
      const items = schema?.items as JsonSchema | undefined;
      for (const x of v.items) values(x, ctx, items, path);
    } else if (v.kind === "map") {
      const props = schema?.properties as Record<string, JsonSchema> | undefined;
      for (const e of v.entries) values(e.value, ctx, props?.[e.key.value], `${path}.${e.key.value}`);
    }
  };

  const schemaType = (v: StringValue, t: CelType, schema: JsonSchema | undefined, path: string) => {
    const declared = schema?.type as JsonValue | undefined;
    const kinds = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
    if (kinds.length === 0 || isDynLike(t)) return;
    const fits = kinds.some((k) => {
      if (k === "integer") return t.kind === "int" || t.kind === "uint";
      if (k === "number") return ["int", "uint", "double"].includes(t.kind);
      if (k === "boolean") return t.kind === "bool";
      if (k === "string") return t.kind !== "list" && t.kind !== "map" && t.kind !== "object";
      if (k === "array") return t.kind === "list";
      if (k === "object") return t.kind === "map" || t.kind === "object";
      return k === "null" && t.kind === "null_type";
    });
    if (fits) return;
    const message = `'${path}' takes ${kinds.join(" or ")}, but this expression is ${typeName(t)}; convert it, e.g. int(...) or string(...)`;
    out.push(
      diagnostic(
        "type-mismatch",
        "error",
        message,
        spanIn({ source: v.source, ...optsOf(v.source) }, 0, v.source.text.length),
      ),
    );
  };

  const assertions = (list: Assertion[], ctx: Context, what: string) => {
    for (const a of list) {
      expr(a.that, ctx, { type: T.bool, what });
      if (a.message) template(a.message, ctx);
    }
  };

  // A duration field given as one whole `${{ }}`: a duration, or a string the run parses as one.
  const duration = (d: DurationValue | undefined, ctx: Context, field: string) => {
    const piece = d?.template ? splitTemplate(d.template.text).pieces[0] : undefined;
    if (!d?.template || piece?.kind !== "expr") return;
    const source = sliceSource(d.template, piece.start, piece.end) as SourceText;
    const t = expr(source, ctx);
    if (!t || isDynLike(t) || t.kind === "duration" || t.kind === "string") return;
    const message = `\`${field}\` must be a duration or a string such as "5m", but this expression is ${typeName(t)}; use a duration param, duration("90s"), or a string like string(params.minutes) + "m"`;
    const start = source.text.length - source.text.trimStart().length;
    const end = source.text.trimEnd().length;
    out.push(
      diagnostic("type-mismatch", "error", message, spanIn({ source, ...optsOf(source) }, start, end)),
    );
  };

  const step = (s: Step, ran: RanBefore) => {
    const ctx: Context = { env: base, ran };
    const self = s.id?.value;
    const output = stepOutputType(s, catalog);
    const withOutput: Context = { env: envs.withOutput(output), ran, ...(self ? { self } : {}) };
    expr(s.when, ctx, { type: T.bool, what: "`when`" });
    assertions(s.guards, ctx, "a guard's `that`");
    assertions(s.expect, withOutput, "an expectation's `that`");
    expr(s.retry?.until, withOutput, { type: T.bool, what: "`retry.until`" });
    if (s.with) {
      const schema = s.action ? catalog.find(s.action.value)?.input : undefined;
      values(s.with, ctx, schema, "with");
    }
    duration(s.timeout, ctx, "timeout");
    duration(s.retry?.every, ctx, "retry.every");
    duration(s.retry?.maxEvery, ctx, "retry.maxEvery");
    duration(s.retry?.timeout, ctx, "retry.timeout");
    if (s.verify) step(s.verify, order.ranBefore(s.verify));
  };

  // Template defaults: expressions over the other params (cycles are the loader's `param-default-cycle`).
  const defaults: Context = { env: paramDefaultEnv(runbook), ran: new Set() };
  for (const p of runbook.params) {
    const d = templateDefault(p);
    if (!d || p.type === "secret") continue;
    const t = template(d, defaults);
    const wants = defaultResultTypes(p.type);
    if (t && isWholeExpression(d.source.text) && !wants.some((w) => compatible(t, w))) {
      const message = `The default of param "${p.name.value}" (${p.type}) must evaluate to ${wants.map(typeName).join(" or ")}, but this expression is ${typeName(t)}; convert it, e.g. string(...) or int(...)`;
      out.push(
        diagnostic(
          "type-mismatch",
          "error",
          message,
          spanIn({ source: d.source, ...optsOf(d.source) }, 0, d.source.text.length),
        ),
      );
    }
    for (const r of defaultReads(d)) {
      const read = runbook.params.find((q) => q.name.value === r.name);
      if (read?.type !== "secret") continue;
      const message = `The default of param "${p.name.value}" reads the secret param "${r.name}"; a default is planned and journaled in the clear, so derive it from non-secret params, or read the value with \`from: env.NAME\``;
      out.push(
        diagnostic(
          "secret-in-default",
          "error",
          message,
          spanIn({ source: d.source, ...optsOf(d.source) }, r.start, r.end),
        ),
      );
    }
  }

  const top: Context = { env: base, ran: new Set() };
  assertions(runbook.guards, top, "a guard's `that`");
  for (const c of runbook.connections)
    for (const f of c.fields) values(f.value, top, undefined, `${c.name.value}.${f.key.value}`);
  for (const p of runbook.phases) {
    for (const s of p.steps) step(s, order.ranBefore(s));
    for (const s of p.rollback ?? []) step(s, order.ranBefore(s));
  }
  for (const c of runbook.checks) for (const s of c.steps) step(s, order.ranBefore(s));
  if (counters) {
    counters.runbookWalks++;
    counters.outputEnvs += envs.derived;
    counters.idsCopied += order.idsCopied;
  }
  return out;
}
