// An upgrade with no snapshot before it leaves nothing to restore when the new version corrupts data.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel } from "../context.js";
import { defineRule } from "../rule.js";
import { runbookState } from "../state.js";

interface Options {
  /** Actions that upgrade something in place. */
  upgradeActions: string[];
  /** Actions that take a backup or snapshot. */
  backupActions: string[];
}

/**
 * Upgrade actions (helm upgrade, operator patch, migrations) with no backup step earlier in run order, in a
 * runbook that holds state (a database or a volume). A runbook with neither (a gateway, a controller, a cache
 * without persistence) has nothing rbx could snapshot, and is not reported.
 */
export const upgradeWithoutBackup = defineRule<Options>({
  meta: {
    id: "upgrade-without-backup",
    docs: {
      description:
        "In a runbook that holds state (a postgres connection, sql or snapshot steps, a PersistentVolumeClaim), an upgrade needs a backup step earlier in run order.",
      severity: "warning",
    },
    messages: {
      noBackup:
        "{{action}} in step {{step}} upgrades in place, and this runbook holds {{state}}, but no backup step ({{backups}}) runs before it; take a snapshot in an earlier phase",
      backupTooLate:
        "{{action}} in step {{step}} upgrades in place before its backup: step {{backup}} ({{backupAction}}) runs only after it and captures the upgraded state; move step {{backup}} before step {{step}} (to an earlier phase)",
    },
    options: {
      schema: {
        type: "object",
        additionalProperties: false,
        properties: {
          upgradeActions: { type: "array", items: { type: "string" } },
          backupActions: { type: "array", items: { type: "string" } },
        },
      },
      defaults: {
        upgradeActions: ["helm.upgrade", "kubectl.patch", "sql.migrations"],
        backupActions: ["snapshot.create"],
      },
    },
  },
  create(ctx) {
    const upgrades = new Set(ctx.options.upgradeActions);
    const backups = new Set(ctx.options.backupActions);
    const state = runbookState(ctx.runbook, ctx.index.sites());
    const holds = state.database ? "a database" : state.volume ? "a persistent volume" : undefined;
    let backedUp = false;
    // Upgrades with no backup before them, reported once the whole run order is known: a backup that comes
    // only later is named, with where it must go.
    const exposed: { step: Step; action: string }[] = [];
    let lateBackup: { step: Step; action: string } | undefined;
    return {
      step(site) {
        // Phase steps arrive in run order; rollback, check and verify steps are not part of the forward run.
        if (site.place !== "phase" || holds === undefined) return;
        const action = site.step.action?.value;
        if (!action) return;
        if (backups.has(action)) {
          if (exposed.length > 0) lateBackup ??= { step: site.step, action };
          backedUp = true;
          return;
        }
        // A read-only use (sql.migrations can verify rather than apply) is not an upgrade.
        if (!upgrades.has(action) || ctx.effects.effectOf(site.step) === "read" || backedUp) return;
        exposed.push({ step: site.step, action });
      },
      runbookExit() {
        if (holds === undefined) return;
        for (const { step, action } of exposed) {
          const data = { action, step: stepLabel(step), state: holds, backups: [...backups].join(", ") };
          if (lateBackup)
            ctx.report({
              messageId: "backupTooLate",
              span: stepHead(step),
              data: { ...data, backup: stepLabel(lateBackup.step), backupAction: lateBackup.action },
            });
          else ctx.report({ messageId: "noBackup", span: stepHead(step), data });
        }
      },
    };
  },
});
