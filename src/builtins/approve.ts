// approve: a step only a person can do; an interactive yes, `--approve ID`, or the run halts and waits.

import { defineAction } from "../contract/action.js";
import { T } from "../contract/cel-types.js";
import { fail } from "../contract/failure.js";
import { durationOr, durationSchema } from "./shared/duration-field.js";

/** Arguments of approve. */
export interface ApproveArgs {
  prompt: string;
  timeout?: string | number;
}

/** Output of approve: who approved, when and how. */
export interface ApproveOutput {
  approvedBy: string;
  approvedAt: string;
  via: string;
}

/** Ask for a person's approval; without one the run halts "waiting for approval" (recorded). */
export const approve = defineAction<ApproveArgs, ApproveOutput>({
  name: "approve",
  effect: "read",
  summary:
    "Wait for a person's approval: an interactive prompt, `--approve ID`, or halt until `rbx resume --approve ID`.",
  input: {
    type: "object",
    additionalProperties: false,
    required: ["prompt"],
    properties: {
      prompt: {
        type: "string",
        minLength: 1,
        description: "What the approver must check before saying yes.",
      },
      timeout: durationSchema,
    },
  },
  output: T.object("approve.output", { approvedBy: T.string, approvedAt: T.timestamp, via: T.string }),
  plan(args, ctx) {
    return [{ kind: "approval", text: ctx.redactor.redact(args.prompt) }];
  },
  async run(ctx, args) {
    if (!ctx.approvals)
      throw fail.approvalPending(`waiting for approval: ${ctx.redactor.redact(args.prompt)}`);
    const timeoutMs = args.timeout === undefined ? undefined : durationOr(args.timeout, 0);
    const answer = await ctx.approvals.request({
      step: ctx.stepId,
      prompt: ctx.redactor.redact(args.prompt),
      signal: ctx.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    if (answer.approved) return { approvedBy: answer.by, approvedAt: answer.at, via: answer.via };
    if (answer.reason === "denied")
      throw fail.approvalDenied(`${answer.by ?? "the operator"} declined: ${args.prompt}`);
    throw fail.approvalPending(`waiting for approval: ${ctx.redactor.redact(args.prompt)}`);
  },
});
