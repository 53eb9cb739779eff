// A rollback that reads an output which may not exist when it runs fails exactly when it is needed.
import type { Phase, Step } from "../../parser/ast.js";
import { stepHead } from "../context.js";
import type { Reference } from "../expression-names.js";
import { defineRule } from "../rule.js";
import type { ExpressionSite, StepSite } from "../visitor.js";

/** `steps.X` reads in rollback steps where X may not have produced output when the rollback runs. */
export const rollbackReadsUnavailableOutput = defineRule({
  meta: {
    id: "rollback-reads-unavailable-output",
    docs: {
      description:
        "A rollback step must only read outputs that exist whenever it runs: not from steps inside the boundary it unwinds or steps a `when` may skip.",
      severity: "error",
    },
    messages: {
      insideBoundary:
        "rollback of phase {{phase}} reads steps.{{id}}, which runs inside the same boundary and may not have run when the rollback starts; guard it with `has(steps.{{id}}.output)` in `when`, or read a value recorded before the boundary",
      skippable:
        "rollback of phase {{phase}} reads steps.{{id}}, which its `when` may skip; guard it with `has(steps.{{id}}.output)` or drop the step's `when`",
    },
  },
  create(ctx) {
    const phaseIndex = new Map<Phase, number>(ctx.runbook.phases.map((p, i) => [p, i]));
    /** Each rollback step's position in its phase's `rollback:` list (-1 for other steps). */
    const positions = new Map<Step, number>();
    for (const p of ctx.runbook.phases)
      for (const [i, s] of (p.rollback ?? []).entries()) positions.set(s, i);
    const rollbackPos = (s: Step): number => positions.get(s) ?? -1;
    const rollbackOf = (site: StepSite | undefined): StepSite | undefined => {
      let s = site;
      while (s && s.place === "verify") s = s.parent;
      return s && s.place === "rollback" ? s : undefined;
    };
    /** Presence tests `has(steps.X...)` in this expression or the step's `when` guard the read. */
    const guardedIds = (site: ExpressionSite, rb: StepSite): Set<string> => {
      const ids = new Set<string>();
      const add = (refs: readonly Reference[]) => {
        for (const r of refs) if (r.presenceTest && r.root === "steps" && r.path[0]) ids.add(r.path[0]);
      };
      add(ctx.index.info(site.text, site.template).references);
      if (rb.step.when) add(ctx.index.info(rb.step.when, false).references);
      return ids;
    };
    const classify = (rb: StepSite, target: StepSite): { id: string } | undefined => {
      const phase = rb.phase as Phase;
      const here = phaseIndex.get(phase) ?? 0;
      // Steps that cannot have run yet (a later phase, a later rollback step of this or another boundary)
      // are the checker's `step-not-yet-run` errors; this rule adds the ones that may or may not have run.
      if (target.place === "rollback") {
        if (target.phase !== phase || rollbackPos(target.step) >= rollbackPos(rb.step)) return undefined;
        return target.step.when ? { id: "skippable" } : undefined;
      }
      if (target.place !== "phase" || !target.phase) return undefined;
      if (target.phase === phase) return { id: "insideBoundary" };
      if ((phaseIndex.get(target.phase) ?? 0) > here) return undefined;
      return target.step.when ? { id: "skippable" } : undefined;
    };
    return {
      expression(site) {
        const rb = rollbackOf(site.step);
        if (!rb?.phase) return;
        const info = ctx.index.info(site.text, site.template);
        let guarded: Set<string> | undefined;
        for (const ref of info.references) {
          if (ref.root !== "steps" || ref.presenceTest || !ref.path[0]) continue;
          const target = ctx.index.stepById(ref.path[0]);
          if (!target || target.step === rb.step) continue;
          const verdict = classify(rb, target);
          if (!verdict) continue;
          guarded ??= guardedIds(site, rb);
          if (guarded.has(ref.path[0])) continue;
          ctx.report({
            messageId: verdict.id,
            span: ctx.textSpan(site.text, ref.start, ref.end),
            data: { phase: rb.phase.id.value, id: ref.path[0] },
            related: [{ span: stepHead(target.step), message: `steps.${ref.path[0]} is defined here` }],
          });
        }
      },
    };
  },
});
