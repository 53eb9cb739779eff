// A boundary whose rollback cannot undo one of its writes "rolls back" into a mix of new and old.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel, withValue } from "../context.js";
import { defineRule } from "../rule.js";
import { enteredBoundaries, failurePolicy, forwardSteps } from "../run-order.js";
import { undoableWrite, undoes } from "../undo.js";
import { literalFalse, literalTrue } from "../values.js";

/** The undo each kind of write needs, for the message. */
const NEEDS = {
  release: "a helm.rollback of that release (or helm uninstall)",
  object: "a kubectl.patch of that object back to its recorded value",
  database: "a snapshot.restore (or reverse sql.exec) on that connection",
} as const;

/** What each kind of write changes, for the message. */
const THING = {
  release: "a helm release",
  object: "the object it patches",
  database: "the database",
} as const;

/** True when a failure of the write itself leaves nothing changed (so only later steps can expose it). */
function allOrNothing(step: Step): boolean {
  switch (step.action?.value) {
    case "helm.upgrade":
      return literalTrue(withValue(step, "atomic"));
    case "kubectl.patch":
      return withValue(step, "waitFor") === undefined;
    case "sql.exec": {
      const statements = withValue(step, "statements");
      const many = statements?.kind !== "list" || statements.items.length > 1;
      return !(literalFalse(withValue(step, "transaction")) && many);
    }
    default:
      return true;
  }
}

/**
 * A helm.upgrade, kubectl.patch or sql.exec inside a rollback boundary when the first failure that can follow
 * it (the write itself when it is not all-or-nothing, else the next step that rolls back) unwinds boundaries
 * none of whose rollbacks undoes that kind of write.
 */
export const boundaryWriteWithoutUndo = defineRule({
  meta: {
    id: "boundary-write-without-undo",
    docs: {
      description:
        "A write inside a rollback boundary needs an undo in the rollback that a later failure runs: helm.rollback for helm.upgrade, a reverse patch for kubectl.patch, a restore for sql.exec.",
      severity: "warning",
    },
    messages: {
      noUndo:
        "{{action}} in step {{step}} changes {{thing}}, but when {{failure}} fails the rollback of {{boundaries}} runs with nothing that undoes it; add {{needs}} to the rollback of phase {{phase}}",
    },
  },
  create(ctx) {
    return {
      runbookExit(runbook) {
        const forward = forwardSteps(runbook);
        for (const w of forward) {
          const kind = undoableWrite(w.step);
          if (!kind || !w.phase.rollback) continue;
          const from = allOrNothing(w.step) ? w.at + 1 : w.at;
          const f = forward.slice(from).find((s) => failurePolicy(s.step, s.phase, runbook) === "rollback");
          if (!f) continue;
          const boundaries = enteredBoundaries(runbook, f.phaseIndex);
          if (boundaries.some((b) => (b.rollback ?? []).some((u) => undoes(u, w.step, runbook)))) continue;
          ctx.report({
            messageId: "noUndo",
            span: stepHead(w.step),
            data: {
              action: w.step.action?.value ?? "",
              step: stepLabel(w.step),
              thing: THING[kind],
              failure: f.step === w.step ? "it" : `step ${stepLabel(f.step)}`,
              boundaries: boundaries.map((b) => `phase ${b.id.value}`).join(", then "),
              needs: NEEDS[kind],
              phase: w.phase.id.value,
            },
            related:
              f.step === w.step
                ? []
                : [{ span: stepHead(f.step), message: "a failure here runs the rollback" }],
          });
        }
      },
    };
  },
});
