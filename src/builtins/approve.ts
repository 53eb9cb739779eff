// approve: a step only a person can do; an interactive yes, `--approve ID`, or the run halts and waits.

import { defineAction } from "../contract/action.js";
import type { ApprovalInput } from "../contract/approval.js";
import { T } from "../contract/cel-types.js";
import { fail } from "../contract/failure.js";
import { durationOr, durationSchema } from "./shared/duration-field.js";

/** Arguments of approve. */
export interface ApproveArgs {
  prompt: string;
  timeout?: string | number;
  input?: ApprovalInput;
}

/** Output of approve: who approved, when and how. */
export interface ApproveOutput {
  approvedBy: string;
  approvedAt: string;
  via: string;
  /** The value given with the approval (`--approve STEP=VALUE`); "" when the step asks for none. */
  value: string;
}

/** A person's approval: the interpreter asks before the step runs; without an answer the run halts and waits. */
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
        examples: ["The maintenance window is open and the on-call DBA agrees"],
        description: "What the approver must check before saying yes.",
      },
      timeout: durationSchema,
      input: {
        type: "object",
        additionalProperties: false,
        required: ["pattern"],
        examples: [{ pattern: "^[0-9]{4}_[a-z0-9_]+$", description: "The migration to skip" }],
        description:
          "The approval carries a value (`--approve STEP=VALUE`, or typed at the prompt), e.g. which migration to skip; journaled in the clear, never a secret.",
        properties: {
          pattern: {
            type: "string",
            minLength: 1,
            examples: ["^[0-9]{4}_[a-z0-9_]+$"],
            description: "RE2 pattern the whole value must match.",
          },
          description: {
            type: "string",
            examples: ["The migration to mark applied without running it"],
            description: "What the value is, shown when it is asked for.",
          },
          default: {
            type: "string",
            examples: ["none"],
            description: "Used by `--approve STEP` or `--approve-all` without a value.",
          },
        },
      },
    },
  },
  output: T.object("approve.output", {
    approvedBy: T.string,
    approvedAt: T.timestamp,
    via: T.string,
    value: T.string,
  }),
  plan(args, ctx) {
    const value = args.input ? ` (with a value matching ${args.input.pattern}: --approve STEP=VALUE)` : "";
    return [{ kind: "approval", text: ctx.redactor.redact(args.prompt) + value }];
  },
  approvalRequest(args) {
    const timeoutMs = args.timeout === undefined ? undefined : durationOr(args.timeout, 0);
    return {
      prompt: args.prompt,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(args.input ? { input: args.input } : {}),
    };
  },
  async run(ctx, args) {
    // The interpreter asked before this step ran; outside a run (a library call) there is nobody to ask.
    if (!ctx.approval)
      throw fail.approvalPending(`waiting for approval: ${ctx.redactor.redact(args.prompt)}`);
    return {
      approvedBy: ctx.approval.by,
      approvedAt: ctx.approval.at,
      via: ctx.approval.via,
      value: ctx.approval.value ?? "",
    };
  },
});
