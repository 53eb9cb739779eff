// Which steps can have run when an expression is evaluated, and the `steps.<id>` references an AST makes.
import type { Runbook, Step } from "../parser/ast.js";
import type { Expr } from "../parser/expr/ast.js";
import { childrenOf } from "../parser/expr/parse.js";

/** A reference `steps.<id>` at offsets of the expression text. */
export interface StepRef {
  id: string;
  start: number;
  end: number;
}

/** Every `steps.<id>` (or `steps["id"]`) in an expression, not counting a comprehension variable named steps. */
export function stepRefs(ast: Expr): StepRef[] {
  const out: StepRef[] = [];
  const stack: [Expr, boolean][] = [[ast, false]];
  while (stack.length > 0) {
    const [e, shadowed] = stack.pop() as [Expr, boolean];
    const isSteps = (x: Expr) => !shadowed && x.kind === "ident" && x.name === "steps";
    if ((e.kind === "select" || e.kind === "has") && isSteps(e.operand))
      out.push({ id: e.field, start: e.fieldStart, end: e.fieldStart + e.field.length });
    if (
      e.kind === "index" &&
      isSteps(e.operand) &&
      e.index.kind === "literal" &&
      typeof e.index.value === "string"
    ) {
      out.push({ id: e.index.value, start: e.index.start, end: e.index.end });
    }
    const inner =
      shadowed || (e.kind === "comprehension" && (e.iterVar === "steps" || e.iterVar2 === "steps"));
    for (const c of childrenOf(e))
      stack.push([c, e.kind === "comprehension" && c !== e.range ? inner : shadowed]);
  }
  return out;
}

/** Where a step sits in run order, for messages. */
export interface Placement {
  phase?: string;
  suite?: string;
  order: number;
}

/** Run order of the document: each step id's placement, and per step the ids that have run before it. */
export class RunOrder {
  readonly placement = new Map<string, Placement>();
  private readonly before = new Map<Step, Set<string>>();

  constructor(runbook: Runbook) {
    let order = 0;
    const done = new Set<string>();
    const checkUses = new Map<string, Set<string>[]>();
    const visitSteps = (steps: Step[], phase: string, rollback: Set<string> | undefined) => {
      const local = new Set(rollback ?? done);
      for (const s of steps) {
        this.before.set(s, new Set(local));
        if (s.verify) this.before.set(s.verify, new Set([...local, ...(s.id ? [s.id.value] : [])]));
        if (s.check) {
          const uses = checkUses.get(s.check.value) ?? [];
          uses.push(new Set(local));
          checkUses.set(s.check.value, uses);
        }
        if (s.id) {
          if (!this.placement.has(s.id.value)) this.placement.set(s.id.value, { phase, order: order++ });
          local.add(s.id.value);
          if (!rollback) done.add(s.id.value);
        }
      }
    };
    for (const p of runbook.phases) {
      visitSteps(p.steps, p.id.value, undefined);
      // A rollback block runs after a failure inside this phase or a later one: this phase's steps count as run.
      const phaseIds = p.steps.flatMap((s) => (s.id ? [s.id.value] : []));
      visitSteps(p.rollback ?? [], p.id.value, new Set([...done, ...phaseIds]));
    }
    for (const c of runbook.checks) {
      const uses = checkUses.get(c.name.value) ?? [];
      // A suite may read what has run before every place that runs it; an unused suite is not judged.
      const local = new Set(uses[0] ?? this.placement.keys());
      for (const u of uses.slice(1)) for (const id of local) if (!u.has(id)) local.delete(id);
      for (const s of c.steps) {
        this.before.set(s, new Set(local));
        if (s.id) {
          if (!this.placement.has(s.id.value))
            this.placement.set(s.id.value, { suite: c.name.value, order: order++ });
          local.add(s.id.value);
        }
      }
    }
  }

  /** The ids that have run before `step` starts (undefined for the runbook's own guards: none). */
  ranBefore(step: Step | undefined): ReadonlySet<string> {
    return step ? (this.before.get(step) ?? new Set()) : new Set();
  }
}
