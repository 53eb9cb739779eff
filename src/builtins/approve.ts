// approve: a step only a person can do; an interactive yes, `--approve ID`, or the run halts and waits.

import { defineAction } from "../contract/action.js";
import type { ApprovalInput, ApproverRule } from "../contract/approval.js";
import { T } from "../contract/cel-types.js";
import { fail } from "../contract/failure.js";
import { durationOr, durationSchema } from "./shared/duration-field.js";

/** Arguments of approve. */
export interface ApproveArgs {
  prompt: string;
  timeout?: string | number;
  input?: ApprovalInput;
  approvers?: { min?: number; notStarter?: boolean };
}

/** Output of approve: who approved, when and how. */
export interface ApproveOutput {
  approvedBy: string;
  approvedAt: string;
  via: string;
  /** The value given with the approval (`--approve STEP=VALUE`); "" when the step asks for none. */
  value: string;
  /** Everyone whose approval counted, in order. */
  approvers: string[];
}

/** The approver rule of a step's `with:` (one approver, who may be the starter, when absent). */
function approverRule(args: ApproveArgs): ApproverRule {
  return { min: args.approvers?.min ?? 1, notStarter: args.approvers?.notStarter ?? false };
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
      approvers: {
        type: "object",
        additionalProperties: false,
        description:
          "Who must approve: `min` distinct people (default 1), and with `notStarter: true` never the person " +
          "who started the run. People are told apart by the run store's database role, else by user name.",
        examples: [{ min: 1, notStarter: true }],
        properties: {
          min: {
            type: "integer",
            minimum: 1,
            maximum: 10,
            examples: [2],
            description: "Distinct approvers needed.",
          },
          notStarter: {
            type: "boolean",
            default: false,
            description: "The person who started the run cannot approve (four-eyes).",
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
    approvers: T.list(T.string),
  }),
  plan(args, ctx) {
    const rule = approverRule(args);
    const who =
      rule.min > 1 || rule.notStarter
        ? ` (${rule.min} approver${rule.min > 1 ? "s" : ""}${rule.notStarter ? ", not the starter" : ""})`
        : "";
    const value = args.input ? ` (with a value matching ${args.input.pattern}: --approve STEP=VALUE)` : "";
    return [{ kind: "approval", text: ctx.redactor.redact(`${args.prompt}${who}`) + value }];
  },
  approvalRequest(args) {
    const timeoutMs = args.timeout === undefined ? undefined : durationOr(args.timeout, 0);
    return {
      prompt: args.prompt,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(args.input ? { input: args.input } : {}),
      ...(args.approvers ? { approvers: approverRule(args) } : {}),
    };
  },
  async run(ctx, args) {
    // The interpreter asked before this step ran; outside a run (a library call) there is nobody to ask.
    if (!ctx.approval)
      throw fail.approvalPending(`waiting for approval: ${ctx.redactor.redact(args.prompt)}`);
    const { by, at, via, approvers, value } = ctx.approval;
    return { approvedBy: by, approvedAt: at, via, value: value ?? "", approvers: approvers ?? [by] };
  },
});
