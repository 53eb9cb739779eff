// Approvals for a run: from `--approve ID` / `--approve-all`, else an interactive yes on a TTY, else wait.

/** Asks a question on a terminal; resolves undefined when no answer came (timeout, abort, no TTY). */
import type { Actor, ApprovalAnswer, ApprovalRequest, Approvals } from "../../contract/approval.js";
export type Ask = (question: string, signal: AbortSignal, timeoutMs?: number) => Promise<string | undefined>;

/** The approval sources a run was started with. */
export interface ApprovalOptions {
  /** Step ids approved on the command line. */
  approve: ReadonlySet<string>;
  approveAll: boolean;
  /** Who is running rbx (recorded as the approver). */
  actor: Actor;
  /** Present when stdin and stderr are a terminal. */
  ask?: Ask;
}

/** Answers approval requests in the order: flags, then an interactive prompt, else "pending". */
export class ApprovalBroker implements Approvals {
  constructor(private readonly options: ApprovalOptions) {}

  /** Whether a step was approved up front (used before actions that require approval). */
  preApproved(step: string): "flag" | "all" | undefined {
    if (this.options.approve.has(step)) return "flag";
    return this.options.approveAll ? "all" : undefined;
  }

  async request(req: ApprovalRequest): Promise<ApprovalAnswer> {
    const at = new Date().toISOString();
    const pre = this.preApproved(req.step);
    const { actor } = this.options;
    if (pre) return { approved: true, by: actor.user, via: pre, at, actor };
    if (!this.options.ask) return { approved: false, reason: "pending" };
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
}
