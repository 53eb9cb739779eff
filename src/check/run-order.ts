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
  return memberRefs(ast, "steps");
}

/**
 * Every `<root>.<name>` (or `<root>["name"]`) in an expression — `steps.<id>`, `params.<name>` — with the offsets
 * of the name, not counting a comprehension variable that shadows the root.
 */
export function memberRefs(ast: Expr, root: string): StepRef[] {
  const out: StepRef[] = [];
  const stack: [Expr, boolean][] = [[ast, false]];
  while (stack.length > 0) {
    const [e, shadowed] = stack.pop() as [Expr, boolean];
    const isSteps = (x: Expr) => !shadowed && x.kind === "ident" && x.name === root;
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
    const inner = shadowed || (e.kind === "comprehension" && (e.iterVar === root || e.iterVar2 === root));
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

/** The ids that have run before a step: answered from shared indexes, never copied per step. */
export interface RanBefore {
  has(id: string): boolean;
}

const NOTHING: RanBefore = { has: () => false };

/** Ids first added to `at` (an append-only id → insertion index map) before index `below`, or in `also`. */
class Prefix implements RanBefore {
  constructor(
    private readonly at: ReadonlyMap<string, number>,
    private readonly below: number,
    private readonly also: RanBefore = NOTHING,
  ) {}

  has(id: string): boolean {
    const i = this.at.get(id);
    return (i !== undefined && i < this.below) || this.also.has(id);
  }
}

/** Record `id` in an append-only index map (first insertion wins). */
function append(at: Map<string, number>, id: string): void {
  if (!at.has(id)) at.set(id, at.size);
}

/** A place a check suite is run from: the main-flow ids before it, plus rollback-local ones for rollbacks. */
interface CheckUse {
  cut: number;
  local?: { at: ReadonlyMap<string, number>; below: number };
}

/**
 * Run order of the document: each step id's placement, and per step the ids that have run before it.
 * Linear in the document: ids go into append-only index maps once, and each step keeps a view (a prefix
 * of one or two of them) rather than a copy of everything before it.
 */
export class RunOrder {
  readonly placement = new Map<string, Placement>();
  /** Ids copied into sets while building (only a suite's ids common to all its callers' rollbacks). */
  idsCopied = 0;
  private readonly before = new Map<Step, RanBefore>();

  constructor(runbook: Runbook) {
    let order = 0;
    /** Main-flow ids in run order. */
    const doneAt = new Map<string, number>();
    /** Every placed id by its placement order (what `placement.keys()` held at a moment). */
    const placedAt = new Map<string, number>();
    const checkUses = new Map<string, CheckUse[]>();
    const place = (id: string, where: Omit<Placement, "order">) => {
      if (this.placement.has(id)) return;
      this.placement.set(id, { ...where, order });
      placedAt.set(id, order++);
    };
    const use = (name: string, u: CheckUse) => {
      const uses = checkUses.get(name) ?? [];
      uses.push(u);
      checkUses.set(name, uses);
    };
    for (const p of runbook.phases) {
      const phase = p.id.value;
      for (const s of p.steps) {
        const ran = new Prefix(doneAt, doneAt.size);
        this.before.set(s, ran);
        if (s.verify)
          this.before.set(s.verify, s.id ? new Prefix(doneAt, doneAt.size, new Set([s.id.value])) : ran);
        if (s.check) use(s.check.value, { cut: doneAt.size });
        if (s.id) {
          place(s.id.value, { phase });
          append(doneAt, s.id.value);
        }
      }
      // A rollback block runs after a failure inside this phase or a later one: this phase's steps count as run.
      const cut = doneAt.size;
      const outer = new Prefix(doneAt, cut);
      const rbAt = new Map<string, number>();
      for (const s of p.rollback ?? []) {
        const ran = new Prefix(rbAt, rbAt.size, outer);
        this.before.set(s, ran);
        if (s.verify)
          this.before.set(
            s.verify,
            s.id ? new Prefix(rbAt, rbAt.size, new Prefix(doneAt, cut, new Set([s.id.value]))) : ran,
          );
        if (s.check) use(s.check.value, { cut, local: { at: rbAt, below: rbAt.size } });
        if (s.id) {
          place(s.id.value, { phase });
          append(rbAt, s.id.value);
        }
      }
    }
    const inUse = (u: CheckUse, id: string): boolean => {
      const i = doneAt.get(id);
      if (i !== undefined && i < u.cut) return true;
      const j = u.local?.at.get(id);
      return j !== undefined && j < (u.local?.below ?? 0);
    };
    for (const c of runbook.checks) {
      const uses = checkUses.get(c.name.value) ?? [];
      // A suite may read what has run before every place that runs it; an unused suite is not judged.
      let base: RanBefore;
      if (uses.length === 0) base = new Prefix(placedAt, order);
      else {
        // The common part is the shortest main-flow prefix plus those rollback-local ids of its caller
        // that every other caller has run too.
        const first = uses.reduce((a, b) => (b.cut < a.cut ? b : a));
        const common = new Set<string>();
        for (const [id, i] of first.local?.at ?? []) {
          if (i >= (first.local?.below ?? 0)) break;
          const j = doneAt.get(id);
          if (j !== undefined && j < first.cut) continue;
          if (uses.every((u) => inUse(u, id))) common.add(id);
        }
        this.idsCopied += common.size;
        base = new Prefix(doneAt, first.cut, common);
      }
      const suiteAt = new Map<string, number>();
      for (const s of c.steps) {
        this.before.set(s, new Prefix(suiteAt, suiteAt.size, base));
        if (s.id) {
          place(s.id.value, { suite: c.name.value });
          append(suiteAt, s.id.value);
        }
      }
    }
  }

  /** What has run before `step` starts (nothing for the runbook's own guards). */
  ranBefore(step: Step | undefined): RanBefore {
    return (step && this.before.get(step)) ?? NOTHING;
  }
}
