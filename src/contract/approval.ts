// Approvals: what an action or the interpreter asks a person, and the answers a run can get.

/**
 * A person who caused something: the OS user (or `RBX_USER`), the host, and — with a store that authenticates —
 * the database role (`session_user`), which is the identity approvals compare.
 */
export interface Actor {
  user: string;
  host: string;
  role?: string;
}

/** Who must approve: how many distinct people, and whether the person who started the run may be one of them. */
export interface ApproverRule {
  min: number;
  notStarter: boolean;
}

/**
 * A value the approver gives with the approval (`--approve STEP=VALUE`), e.g. which migration to skip. It is
 * journaled in the clear: never a secret.
 */
export interface ApprovalInput {
  /** RE2 pattern the whole value must match. */
  pattern: string;
  description?: string;
  /** Used by `--approve STEP` / `--approve-all` without a value; without it a value must be given. */
  default?: string;
}

/** One request for a person's approval. */
export interface ApprovalRequest {
  step: string;
  prompt: string;
  /** The approval carries a value. */
  input?: ApprovalInput;
  /** How long an interactive prompt waits before the run halts "waiting for approval". */
  timeoutMs?: number;
  signal: AbortSignal;
}

/** The answer: approved (by whom, how), declined, or nobody could answer now (the run halts and waits). */
export type ApprovalAnswer =
  | { approved: true; by: string; via: "tty" | "flag" | "all"; at: string; actor?: Actor; value?: string }
  | { approved: false; reason: "pending" | "denied"; by?: string; message?: string };

/** Where approvals come from: `--approve ID`, `--approve-all`, or an interactive prompt on a TTY. */
export interface Approvals {
  request(request: ApprovalRequest): Promise<ApprovalAnswer>;
}

/** An approval a step was granted, as the journal recorded it. */
export interface GrantedApproval {
  by: string;
  via: string;
  at: string;
  /** Everyone whose approval counted, in order (one name unless the step needs several approvers). */
  approvers?: string[];
  /** The value given with it, for an approval that asks for one. */
  value?: string;
}

/** What the interpreter asks the approver before a step that needs approval, and how long a prompt waits. */
export interface ApprovalAsk {
  prompt: string;
  timeoutMs?: number;
  input?: ApprovalInput;
  /** Who must approve (default: one person, who may be the starter). */
  approvers?: ApproverRule;
}
