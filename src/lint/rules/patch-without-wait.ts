// An operator reconciles after the patch returns; whatever runs next races it unless something waits.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel, withEntry } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";
import { customResource, kindName, sameObject, WORKLOAD_KINDS } from "../values.js";
import { changesState } from "../verification.js";

/**
 * A `kubectl.patch` of a custom resource or a workload without `waitFor`, and no wait on it among the steps that
 * follow before the next change (in a rollback: anywhere after it, since the rollback's order is set by what it
 * must undo first): a `kubectl.get` of that object polled with `retry.until`, a `kubectl.rolloutStatus`, or a
 * `check:` whose suite holds one of these.
 */
export const patchWithoutWait = defineRule({
  meta: {
    id: "patch-without-wait",
    docs: {
      description:
        "A kubectl.patch of an operator's resource (or a workload) must be waited on: `waitFor`, or a poll / rollout status after it before the next change.",
      severity: "warning",
    },
    messages: {
      noWait:
        "kubectl.patch in step {{step}} changes {{what}}, but nothing waits for the {{who}} to act on it before {{next}}; give the patch `waitFor: { field: status…, equals: … }`, or follow it with a `kubectl.get` of it polled with `retry.until` (observedGeneration, a Ready condition) or a `kubectl.rolloutStatus`",
    },
  },
  create(ctx) {
    const waitsOn = (patch: Step, s: Step): boolean => {
      if (runsAction(s, "kubectl.rolloutStatus")) return true;
      if (runsAction(s, "kubectl.get") && s.retry?.until && sameObject(patch, s)) return true;
      if (s.check) {
        const suite = ctx.runbook.checks.find((c) => c.name.value === s.check?.value);
        return (suite?.steps ?? []).some((x) => waitsOn(patch, x));
      }
      return false;
    };
    const check = (patch: Step, after: readonly Step[], end: string, stopAtChange: boolean) => {
      if (!runsAction(patch, "kubectl.patch") || withEntry(patch, "waitFor")) return;
      const kind = kindName(patch);
      const cr = customResource(patch);
      if (!cr && !(kind !== undefined && WORKLOAD_KINDS.has(kind))) return;
      let next = end;
      for (const s of after) {
        if (waitsOn(patch, s)) return;
        if (stopAtChange && changesState(s, ctx.effects)) {
          next = `the next change (${stepLabel(s)})`;
          break;
        }
      }
      ctx.report({
        messageId: "noWait",
        span: stepHead(patch),
        data: {
          step: stepLabel(patch),
          what: cr ? "a custom resource" : `a ${kind}`,
          who: cr ? "operator" : "rollout",
          next,
        },
      });
    };
    return {
      runbookExit(runbook) {
        const forward = runbook.phases.flatMap((p) => p.steps);
        for (const [i, s] of forward.entries()) check(s, forward.slice(i + 1), "the run ends", true);
        for (const p of runbook.phases) {
          const rb = p.rollback ?? [];
          for (const [i, s] of rb.entries()) check(s, rb.slice(i + 1), "the rollback ends", false);
        }
      },
    };
  },
});
