// A dump nobody verified is first read during the restore, when it is too late to take another.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel, withValue } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";
import type { RunbookIndex } from "../runbook-index.js";

/** The steps whose output a step's `with.snapshot` reads; empty when it names none (a param, a literal id). */
function snapshotSources(step: Step, index: RunbookIndex): string[] {
  const v = withValue(step, "snapshot");
  if (v?.kind !== "string" || !v.template) return [];
  return index
    .info(v.source, true)
    .references.filter((r) => r.root === "steps" && r.path[0] !== undefined)
    .map((r) => r.path[0] as string);
}

/**
 * A `snapshot.create` not passed to a `snapshot.verify` (in a phase, or in a check suite run there) before the
 * first write that follows it. A `snapshot.restore` of that snapshot verifies it first and counts.
 */
export const snapshotUnverified = defineRule({
  meta: {
    id: "snapshot-unverified",
    docs: {
      description:
        "A `snapshot.create` must be checked by `snapshot.verify` before the first write that follows it.",
      severity: "warning",
    },
    messages: {
      unverified:
        '{{step}} is the first change after snapshot {{snapshots}}, which nothing verified: a truncated or unreadable dump would only show during the restore; add a `snapshot.verify` step of it (`snapshot: "${{ steps.{{first}}.output.id }}"`) before this step',
    },
  },
  create(ctx) {
    /** Snapshot steps a step verifies: itself, or the snapshot.verify steps of the suite it runs. */
    const verified = (step: Step): { all: boolean; ids: string[] } | undefined => {
      const suite = step.check
        ? ctx.runbook.checks.find((c) => c.name.value === step.check?.value)
        : undefined;
      const verifiers = suite ? suite.steps : [step];
      const out = { all: false, ids: [] as string[] };
      let any = false;
      for (const v of verifiers) {
        if (!runsAction(v, "snapshot.verify")) continue;
        any = true;
        const ids = snapshotSources(v, ctx.index);
        if (ids.length === 0) out.all = true;
        out.ids.push(...ids);
      }
      return any ? out : undefined;
    };
    return {
      runbookExit(runbook) {
        let pending: Step[] = [];
        for (const phase of runbook.phases) {
          for (const step of phase.steps) {
            if (runsAction(step, "snapshot.create") && step.id) {
              pending.push(step);
              continue;
            }
            const v = verified(step);
            if (v) {
              pending = v.all ? [] : pending.filter((s) => !v.ids.includes(s.id?.value ?? ""));
              continue;
            }
            if (!ctx.effects.mayWrite(step) || pending.length === 0) continue;
            if (runsAction(step, "snapshot.restore")) {
              const ids = snapshotSources(step, ctx.index);
              if (ids.length > 0) {
                pending = pending.filter((s) => !ids.includes(s.id?.value ?? ""));
                if (pending.length === 0) continue;
              }
            }
            const names = pending.map((s) => stepLabel(s));
            ctx.report({
              messageId: "unverified",
              span: stepHead(step),
              data: { step: stepLabel(step), snapshots: names.join(", "), first: names[0] ?? "" },
              related: pending.map((s) => ({
                span: stepHead(s),
                message: `snapshot ${stepLabel(s)} is taken here`,
              })),
            });
            pending = [];
          }
        }
      },
    };
  },
});
