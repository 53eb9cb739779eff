// The closed hierarchy of step failures: every way a step can fail, whether a retry may help, and why.

/** What went wrong, as a small closed set the interpreter decides on (retry, halt, rollback). */
export type FailureKind =
  | "action-error"
  | "timeout"
  | "aborted"
  | "assertion"
  | "until-not-met"
  | "expression"
  | "invalid-input"
  | "approval-pending"
  | "approval-denied";

/** A failure as the journal records it: plain data, already redacted. */
export interface FailureRecord {
  kind: FailureKind;
  message: string;
  retryable: boolean;
  /** The action's own error code (e.g. `lock-timeout`), when it gave one. */
  code?: string;
  cause?: string;
}

/** The one error class actions and the driver throw; `kind` says how the interpreter treats it. */
export class StepFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.name = "StepFailure";
    this.code = options?.code;
  }

  readonly code: string | undefined;

  /** Plain data for the journal; the caller redacts the strings. */
  toRecord(): FailureRecord {
    const cause = this.cause instanceof Error ? this.cause.message : undefined;
    const rec: FailureRecord = { kind: this.kind, message: this.message, retryable: this.retryable };
    if (this.code) rec.code = this.code;
    if (cause && cause !== this.message) rec.cause = cause;
    return rec;
  }
}

/** Build failures by intent, so call sites say what happened rather than which flags to set. */
export const fail = {
  action: (message: string, cause?: unknown) => new StepFailure("action-error", message, true, { cause }),
  fatal: (message: string, cause?: unknown) => new StepFailure("action-error", message, false, { cause }),
  timeout: (message: string) => new StepFailure("timeout", message, true),
  aborted: (message = "interrupted by the operator") => new StepFailure("aborted", message, false),
  invalidInput: (message: string) => new StepFailure("invalid-input", message, false),
  approvalPending: (message: string) => new StepFailure("approval-pending", message, false),
  approvalDenied: (message: string) => new StepFailure("approval-denied", message, false),
};

const KINDS: ReadonlySet<string> = new Set<FailureKind>([
  "action-error",
  "timeout",
  "aborted",
  "assertion",
  "until-not-met",
  "expression",
  "invalid-input",
  "approval-pending",
  "approval-denied",
]);

/**
 * A StepFailure made by another copy of this module — a project's action module importing rbx from its own
 * install (or the CLI's bundle next to the package's files) — recognised by its shape, so its kind is kept.
 */
function foreignFailure(err: unknown): StepFailure | undefined {
  if (!(err instanceof Error) || err.name !== "StepFailure") return undefined;
  const { kind, retryable, code } = err as Error & { kind?: unknown; retryable?: unknown; code?: unknown };
  if (typeof kind !== "string" || !KINDS.has(kind) || typeof retryable !== "boolean") return undefined;
  const options: { cause?: unknown; code?: string } = { cause: err.cause };
  if (typeof code === "string") options.code = code;
  return new StepFailure(kind as FailureKind, err.message, retryable, options);
}

/** Turn anything an action threw into a StepFailure; unknown errors count as retryable action errors. */
export function asFailure(err: unknown, signal?: AbortSignal): StepFailure {
  if (err instanceof StepFailure) return err;
  const foreign = foreignFailure(err);
  if (foreign) return foreign;
  if (signal?.aborted) {
    const reason = signal.reason;
    if (reason instanceof StepFailure) return reason;
    return fail.aborted();
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  if (code === "timeout") return new StepFailure("timeout", message, true, { cause: err, code });
  if (code === "interrupted") return new StepFailure("aborted", message, false, { cause: err, code });
  return new StepFailure("action-error", message, true, code ? { cause: err, code } : { cause: err });
}

/** The kebab-case `code` an action's error carries (built-ins throw errors with one), if any. */
function errorCode(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string" && /^[a-z][a-z0-9-]*$/.test(code)) return code;
  }
  return undefined;
}
