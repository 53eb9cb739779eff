// The one tree walk every rule shares: each node is visited once and handed to every subscribed rule.
import type { Assertion, MapValue, Runbook, Step, StringValue, ValueNode } from "../parser/ast.js";
import type {
  ExpressionRole,
  ExpressionSite,
  StepPlace,
  StepSite,
  ValueOwner,
  ValueSite,
  Visitor,
} from "./visitor.js";

type Hooks = { [K in keyof Visitor]-?: NonNullable<Visitor[K]>[] };

function mergeVisitors(visitors: readonly Visitor[]): Hooks {
  const hooks: Hooks = {
    runbook: [],
    param: [],
    connection: [],
    guard: [],
    checkSuite: [],
    phase: [],
    step: [],
    value: [],
    expression: [],
    runbookExit: [],
  };
  for (const v of visitors) {
    for (const key of Object.keys(hooks) as (keyof Hooks)[]) {
      const fn = v[key];
      // biome-ignore lint/suspicious/noExplicitAny: each hook list holds functions of its own key's type.
      if (fn) (hooks[key] as any[]).push(fn);
    }
  }
  return hooks;
}

/** Walk a runbook once in document order, calling every visitor's hooks. */
export function walkRunbook(runbook: Runbook, visitors: readonly Visitor[]): void {
  const h = mergeVisitors(visitors);
  // One argument and no spread: a hook is called for every value of every step.
  const call = <A>(fns: ((a: A) => void)[], arg: A) => {
    for (let i = 0; i < fns.length; i++) (fns[i] as (a: A) => void)(arg);
  };

  const visitValue = (
    value: ValueNode,
    path: readonly string[],
    owner: ValueOwner,
    site: StepSite | undefined,
    entry?: ValueSite["entry"],
  ) => {
    const vs: ValueSite = entry ? { value, path, entry, owner } : { value, path, owner };
    call(h.value, vs);
    if (value.kind === "string") {
      if (value.template && h.expression.length > 0) {
        const es: ExpressionSite = {
          text: value.source,
          role: owner.kind === "assertion" ? "message" : "template",
          template: true,
          value: vs,
        };
        if (site) es.step = site;
        call(h.expression, es);
      }
    } else if (value.kind === "list") {
      for (const item of value.items) visitValue(item, path, owner, site);
    } else if (value.kind === "map") {
      visitMap(value, path, owner, site);
    }
  };
  const visitMap = (
    map: MapValue,
    path: readonly string[],
    owner: ValueOwner,
    site: StepSite | undefined,
  ) => {
    for (const e of map.entries) visitValue(e.value, [...path, e.key.value], owner, site, e);
  };
  const visitExpr = (
    text: Assertion["that"],
    role: ExpressionRole,
    site: StepSite | undefined,
    assertion?: Assertion,
  ) => {
    if (h.expression.length === 0) return;
    const es: ExpressionSite = { text, role, template: false };
    if (site) es.step = site;
    if (assertion) es.assertion = assertion;
    call(h.expression, es);
  };
  const visitMessage = (a: Assertion, site: StepSite | undefined) => {
    if (!a.message) return;
    const owner: ValueOwner = site
      ? { kind: "assertion", assertion: a, step: site }
      : { kind: "assertion", assertion: a };
    visitValue(a.message as StringValue, [], owner, site);
  };
  const visitAssertions = (
    list: readonly Assertion[],
    role: "guard" | "expect",
    site: StepSite | undefined,
  ) => {
    for (const a of list) {
      visitExpr(a.that, role, site, a);
      visitMessage(a, site);
    }
  };
  let order = 0;
  const visitStep = (step: Step, place: StepPlace, extra: Partial<StepSite>) => {
    const site: StepSite = { step, place, order: place === "phase" ? order++ : -1, ...extra };
    call(h.step, site);
    if (step.when) visitExpr(step.when, "when", site);
    visitAssertions(step.guards, "guard", site);
    if (step.with) visitMap(step.with, [], { kind: "step", site }, site);
    visitAssertions(step.expect, "expect", site);
    if (step.retry?.until) visitExpr(step.retry.until, "until", site);
    for (const d of [step.timeout, step.retry?.every, step.retry?.maxEvery, step.retry?.timeout]) {
      if (d?.template && h.expression.length > 0)
        call(h.expression, { text: d.template, role: "duration", template: true, step: site });
    }
    if (step.verify) {
      const v: Partial<StepSite> = { parent: site };
      if (site.phase) v.phase = site.phase;
      if (site.suite) v.suite = site.suite;
      visitStep(step.verify, "verify", v);
    }
  };

  call(h.runbook, runbook);
  for (const p of runbook.params) {
    call(h.param, p);
    if (p.default) visitValue(p.default, [], { kind: "param", param: p }, undefined);
  }
  for (const c of runbook.connections) {
    call(h.connection, c);
    for (const e of c.fields)
      visitValue(e.value, [e.key.value], { kind: "connection", connection: c }, undefined, e);
  }
  for (const g of runbook.guards) {
    call(h.guard, g);
    visitExpr(g.that, "guard", undefined, g);
    visitMessage(g, undefined);
  }
  for (const suite of runbook.checks) {
    call(h.checkSuite, suite);
    for (const s of suite.steps) visitStep(s, "check", { suite });
  }
  runbook.phases.forEach((phase, i) => {
    for (const fn of h.phase) fn(phase, i);
    for (const s of phase.steps) visitStep(s, "phase", { phase });
    for (const s of phase.rollback ?? []) visitStep(s, "rollback", { phase });
  });
  call(h.runbookExit, runbook);
}
