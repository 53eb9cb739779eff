// One error type for every built-in: a stable kebab-case code the runbook and the journal can match on.
/** A failed action: `code` names the kind of failure (e.g. `lock-timeout`, `tls`); the cause stays chained. */
export class ActionError extends Error {
  override readonly name = "ActionError";
  readonly code: string;
  /** Structured facts for the journal and the report (already redacted by the thrower). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when the value is an ActionError carrying `code` (or any ActionError when no code is given). */
export function isActionError(value: unknown, code?: string): value is ActionError {
  return value instanceof ActionError && (code === undefined || value.code === code);
}

/** A short message of any thrown value, for chaining into a clearer one. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
