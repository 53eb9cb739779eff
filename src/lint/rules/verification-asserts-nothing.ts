// A verification that can only fail when the server is unreachable passes whatever the change did.
import type { Step } from "../../parser/ast.js";
import { stepHead, stepLabel, withEntry } from "../context.js";
import { defineRule } from "../rule.js";
import { changesState } from "../verification.js";

/** Reads that assert nothing by themselves unless given an expectation. */
const READS = new Set(["http.check", "kubectl.get", "sql.query"]);

/** What the read checks without an expectation, for the message. */
const ONLY: Record<string, string> = {
  "http.check": "that the server answers some 2xx status",
  "kubectl.get": "that the object exists",
  "sql.query": "that the query runs",
};

/** A read with no `expect:`, no `retry.until` and (http.check) no `with.expect`. */
function assertsNothing(step: Step): boolean {
  const action = step.action?.value ?? "";
  if (!READS.has(action) || step.expect.length > 0 || step.retry?.until) return false;
  return action !== "http.check" || withEntry(step, "expect") === undefined;
}

/**
 * A read placed as verification (after a change in the forward run, after a write in a rollback, or in a check
 * suite run there) that asserts nothing, unless a later expression reads its output (a recorded baseline).
 */
export const verificationAssertsNothing = defineRule({
  meta: {
    id: "verification-asserts-nothing",
    docs: {
      description:
        "A read that verifies a change (http.check, kubectl.get, sql.query after a write) must assert something: an expected status, an `expect:`, or a `retry.until`.",
      severity: "warning",
    },
    messages: {
      nothing:
        "{{step}} runs after {{change}} as verification but only checks {{only}}; state what it must show: {{fix}}",
    },
  },
  create(ctx) {
    const fixFor = (step: Step) =>
      step.action?.value === "http.check"
        ? "`with.expect: { status: … }` and an `expect:` on `output.json` (the version, a status field)"
        : "an `expect:` on its output, or a `retry.until` poll";
    const report = (step: Step, change: Step) => {
      if (step.id && ctx.index.stepsRead().has(step.id.value)) return;
      ctx.report({
        messageId: "nothing",
        span: stepHead(step),
        data: {
          step: stepLabel(step),
          change: `the change in ${stepLabel(change)}`,
          only: ONLY[step.action?.value ?? ""] ?? "nothing",
          fix: fixFor(step),
        },
        related: [{ span: stepHead(change), message: "the change it verifies" }],
      });
    };
    /** Each suite checked once, at the first place a change precedes it. */
    const suitesDone = new Set<string>();
    const visit = (step: Step, change: Step | undefined) => {
      if (!change) return;
      if (step.check) {
        const name = step.check.value;
        if (suitesDone.has(name)) return;
        suitesDone.add(name);
        const suite = ctx.runbook.checks.find((c) => c.name.value === name);
        for (const s of suite?.steps ?? []) if (assertsNothing(s)) report(s, change);
        return;
      }
      if (assertsNothing(step)) report(step, change);
    };
    return {
      runbookExit(runbook) {
        let change: Step | undefined;
        for (const phase of runbook.phases) {
          for (const step of phase.steps) {
            visit(step, change);
            if (changesState(step, ctx.effects)) change = step;
          }
        }
        for (const phase of runbook.phases) {
          let inRollback: Step | undefined;
          for (const step of phase.rollback ?? []) {
            visit(step, inRollback);
            if (changesState(step, ctx.effects)) inRollback = step;
          }
        }
      },
    };
  },
});
