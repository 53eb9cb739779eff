// Approvals for a run: from `--approve ID[=VALUE]` / `--approve-all`, else an interactive yes on a TTY, else wait.

import { RE2JS } from "re2js";
import type {
  Actor,
  ApprovalAnswer,
  ApprovalInput,
  ApprovalRequest,
  Approvals,
} from "../../contract/approval.js";

/** Asks a question on a terminal; resolves undefined when no answer came (timeout, abort, no TTY). */
export type Ask = (question: string, signal: AbortSignal, timeoutMs?: number) => Promise<string | undefined>;

/** The approval sources a run was started with. */
export interface ApprovalOptions {
  /** `--approve` arguments: a step id, or `STEP=VALUE` for an approval that asks for a value. */
  approve: ReadonlySet<string>;
  approveAll: boolean;
  /** Who is running rbx (recorded as the approver). */
  actor: Actor;
  /** Present when stdin and stderr are a terminal. */
  ask?: Ask;
}

/** Whether `value` is what the approval asks for: the whole value matches the RE2 pattern. */
export function valueFits(input: ApprovalInput, value: string): boolean {
  try {
    return RE2JS.compile(input.pattern).matches(value);
  } catch {
    return false;
  }
}

function describeInput(step: string, input: ApprovalInput): string {
  const what = input.description ? `${input.description}, ` : "";
  return `${step} needs a value (${what}matching ${input.pattern}): give it with --approve ${step}=VALUE`;
}

/** Answers approval requests in the order: flags, then an interactive prompt, else "pending". */
export class ApprovalBroker implements Approvals {
  constructor(private readonly options: ApprovalOptions) {}

  /** The value given as `--approve STEP=VALUE`, if any. */
  private flagValue(step: string): string | undefined {
    for (const a of this.options.approve) if (a.startsWith(`${step}=`)) return a.slice(step.length + 1);
    return undefined;
  }

  /** Whether a step was approved up front (used before actions that require approval). */
  preApproved(step: string): "flag" | "all" | undefined {
    if (this.options.approve.has(step) || this.flagValue(step) !== undefined) return "flag";
    return this.options.approveAll ? "all" : undefined;
  }

  async request(req: ApprovalRequest): Promise<ApprovalAnswer> {
    const at = new Date().toISOString();
    const pre = this.preApproved(req.step);
    const { actor } = this.options;
    if (pre && !req.input) return { approved: true, by: actor.user, via: pre, at, actor };
    if (pre && req.input) {
      const value = this.flagValue(req.step) ?? req.input.default;
      if (value === undefined)
        return { approved: false, reason: "pending", message: describeInput(req.step, req.input) };
      if (!valueFits(req.input, value))
        return {
          approved: false,
          reason: "pending",
          message: `--approve ${req.step}=${value} was refused: the value must match ${req.input.pattern}`,
        };
      return { approved: true, by: actor.user, via: pre, at, actor, value };
    }
    if (!this.options.ask) {
      return req.input
        ? { approved: false, reason: "pending", message: describeInput(req.step, req.input) }
        : { approved: false, reason: "pending" };
    }
    if (req.input) return this.askValue(req, req.input);
    const answer = await this.options.ask(
      `${req.prompt}\nApprove step "${req.step}"? [y/N] `,
      req.signal,
      req.timeoutMs,
    );
    if (answer === undefined) return { approved: false, reason: "pending" };
    if (/^(y|yes)$/i.test(answer.trim())) {
      return { approved: true, by: actor.user, via: "tty", at: new Date().toISOString(), actor };
    }
    return { approved: false, reason: "denied", by: actor.user };
  }

  // An approval with a value: the answer is the value itself (empty takes the default, or declines).
  private async askValue(req: ApprovalRequest, input: ApprovalInput): Promise<ApprovalAnswer> {
    const def = input.default !== undefined ? ` [${input.default}]` : "";
    const what = input.description ?? "value";
    const answer = await this.options.ask?.(
      `${req.prompt}\nApprove step "${req.step}" by giving the ${what} (matching ${input.pattern})${def}, or nothing to decline: `,
      req.signal,
      req.timeoutMs,
    );
    if (answer === undefined) return { approved: false, reason: "pending" };
    const value = answer.trim() === "" ? input.default : answer.trim();
    const { actor } = this.options;
    if (value === undefined) return { approved: false, reason: "denied", by: actor.user };
    if (!valueFits(input, value))
      return {
        approved: false,
        reason: "pending",
        message: `"${value}" does not match ${input.pattern}`,
      };
    return { approved: true, by: actor.user, via: "tty", at: new Date().toISOString(), actor, value };
  }
}
