// Restoring the database under the new version lets it write new-schema data into, or re-migrate, the restore.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";
import { unwinding } from "../run-order.js";
import { restoredConnection, rollsAppBack, scalesToZero } from "../undo.js";

/**
 * In the order a rollback runs (boundaries newest first, each in listed order), a `snapshot.restore` before the
 * step that rolls the application back, with nothing stopping the application before the restore.
 */
export const rollbackRestoreBeforeApp = defineRule({
  meta: {
    id: "rollback-restore-before-app",
    docs: {
      description:
        "A rollback must roll the application back (or stop it) before it restores the database under it.",
      severity: "warning",
    },
    messages: {
      restoreFirst:
        "this rollback restores {{db}} while the new version still runs — it reconnects, writes new-schema data into the restored database or migrates it again on restart — and only then {{app}} rolls the application back; roll the application back first (or scale it to zero), then restore",
    },
  },
  create(ctx) {
    return {
      runbookExit(runbook) {
        const reported = new Set<Step>();
        runbook.phases.forEach((phase, i) => {
          if (!phase.rollback) return;
          const order = unwinding(runbook, i);
          order.forEach((step, at) => {
            if (!runsAction(step, "snapshot.restore") || reported.has(step)) return;
            if (order.slice(0, at).some((s) => rollsAppBack(s) || scalesToZero(s))) return;
            const app = order.slice(at + 1).find(rollsAppBack);
            if (!app) return;
            reported.add(step);
            ctx.report({
              messageId: "restoreFirst",
              span: stepHead(step),
              data: { db: restoredConnection(step, runbook), app: stepLabel(app) },
              related: [{ span: stepHead(app), message: "the application is rolled back only here" }],
            });
          });
        });
      },
    };
  },
});
