// The closed hierarchy of step failures: every way a step can fail, whether a retry may help, and why.
import type { JsonValue } from "./json.js";

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

/**
 * The cause of an action error, from its code: the one classification rbx decides on.
 * - `unreachable`: the target did not answer (refused, reset, DNS, TLS, no answer in time);
 * - `unauthenticated` / `forbidden`: it answered but rejects who we are / what we ask;
 * - `not-found`, `invalid`: the request itself cannot succeed as written (a missing tool, release, object,
 *   an argument the target refuses);
 * - `transient`: the target is there but busy (throttled, 5xx, a conflict);
 * - `other`: anything else (a failed hook, a rollout that did not finish...).
 */
export type FailureCategory =
  | "unreachable"
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "invalid"
  | "transient"
  | "other";

/** A failure as the journal records it: plain data, already redacted. */
export interface FailureRecord {
  kind: FailureKind;
  message: string;
  retryable: boolean;
  /** The action's own error code (e.g. `lock-timeout`), when it gave one. */
  code?: string;
  /** The cause the code names (see FailureCategory); absent for failures without a code. */
  category?: FailureCategory;
  cause?: string;
  /**
   * Structured facts about the failure, bounded in size (see boundDetails): the action's own details
   * (an HTTP status, an exit code, failed hook jobs), what the target looked like (`diagnosis`: pods,
   * restarts, waiting reasons, last log lines) and the last output an `until` judged (`lastOutput`).
   */
  details?: { [key: string]: JsonValue };
}

interface CodeClass {
  category: FailureCategory;
  retryable: boolean;
}

const unreachable = (retryable: boolean): CodeClass => ({ category: "unreachable", retryable });
const permanent = (category: FailureCategory): CodeClass => ({ category, retryable: false });

/** Codes whose cause is known; `*-not-found` and `invalid-*` codes are found by their shape below. */
const BY_CODE: Record<string, CodeClass> = {
  "connection-refused": unreachable(true),
  "connection-reset": unreachable(true),
  dns: unreachable(true),
  "no-answer": unreachable(true),
  tls: unreachable(false),
  unauthenticated: permanent("unauthenticated"),
  forbidden: permanent("forbidden"),
  "not-found": permanent("not-found"),
  "unknown-kind": permanent("not-found"),
  invalid: permanent("invalid"),
  "unsupported-media-type": permanent("invalid"),
  "unknown-connection": permanent("invalid"),
  "wrong-connection-kind": permanent("invalid"),
  "connection-required": permanent("invalid"),
  "unsupported-strategy": permanent("invalid"),
  throttled: { category: "transient", retryable: true },
  "api-error": { category: "transient", retryable: true },
  "api-unavailable": { category: "transient", retryable: true },
  conflict: { category: "transient", retryable: true },
};

/** The cause a code names and whether trying again may help; unknown codes are retryable `other`. */
export function classifyCode(code: string | undefined): CodeClass {
  if (code === undefined) return { category: "other", retryable: true };
  const known = BY_CODE[code];
  if (known) return known;
  if (code.endsWith("-not-found")) return permanent("not-found");
  if (code.startsWith("invalid-")) return permanent("invalid");
  return { category: "other", retryable: true };
}

/** True when the failure's cause is that the target could not be reached or would not let us act on it. */
export function targetUnavailable(f: Pick<FailureRecord, "category">): boolean {
  return f.category === "unreachable" || f.category === "unauthenticated" || f.category === "forbidden";
}

/** The one error class actions and the driver throw; `kind` says how the interpreter treats it. */
export class StepFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; code?: string; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = "StepFailure";
    this.code = options?.code;
    this.details = options?.details;
  }

  readonly code: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  /** The same failure with another message (e.g. redacted), keeping its code, cause and details. */
  withMessage(message: string): StepFailure {
    if (message === this.message) return this;
    return new StepFailure(this.kind, message, this.retryable, {
      cause: this.cause,
      ...(this.code ? { code: this.code } : {}),
      ...(this.details ? { details: this.details } : {}),
    });
  }

  /** Plain data for the journal; the caller redacts the strings. */
  toRecord(): FailureRecord {
    const cause = this.cause instanceof Error ? this.cause.message : undefined;
    const rec: FailureRecord = { kind: this.kind, message: this.message, retryable: this.retryable };
    if (this.code) {
      rec.code = this.code;
      rec.category = classifyCode(this.code).category;
    }
    // A cause already quoted by the message is not stored a second time.
    if (cause && !this.message.includes(cause) && !cause.includes(this.message)) rec.cause = cause;
    const details = this.details ? boundDetails(this.details) : undefined;
    if (details) rec.details = details;
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
  const options: { cause?: unknown; code?: string; details?: Record<string, unknown> } = { cause: err.cause };
  if (typeof code === "string") options.code = code;
  const details = errorDetails(err);
  if (details) options.details = details;
  return new StepFailure(kind as FailureKind, err.message, retryable, options);
}

/** Turn anything an action threw into a StepFailure; whether it may be retried follows its code's cause. */
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
  const details = errorDetails(err);
  const extra = { cause: err, ...(code ? { code } : {}), ...(details ? { details } : {}) };
  if (code === "timeout") return new StepFailure("timeout", message, true, extra);
  if (code === "interrupted") return new StepFailure("aborted", message, false, extra);
  return new StepFailure("action-error", message, classifyCode(code).retryable, extra);
}

/** The kebab-case `code` an action's error carries (built-ins throw errors with one), if any. */
function errorCode(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string" && /^[a-z][a-z0-9-]*$/.test(code)) return code;
  }
  return undefined;
}

function errorDetails(err: unknown): Record<string, unknown> | undefined {
  if (err && typeof err === "object" && "details" in err) {
    const d = (err as { details: unknown }).details;
    if (d && typeof d === "object" && !Array.isArray(d) && Object.keys(d).length > 0)
      return d as Record<string, unknown>;
  }
  return undefined;
}

/** How much of a failure's details the journal keeps. */
export const DETAILS_LIMITS = { string: 4000, items: 20, depth: 6, total: 24_000 } as const;

/**
 * A JSON copy of `details` small enough for every journal line: long strings keep their end (where logs say
 * what went wrong), lists their last items, deep values a marker; over the total, the largest fields are
 * dropped and named under `truncated`. Undefined when nothing is left.
 */
export function boundDetails(details: Record<string, unknown>): { [key: string]: JsonValue } | undefined {
  const clip = (v: unknown, depth: number): JsonValue | undefined => {
    if (v === undefined || typeof v === "function" || typeof v === "symbol") return undefined;
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string")
      return v.length > DETAILS_LIMITS.string ? `…${v.slice(-DETAILS_LIMITS.string)}` : v;
    if (depth >= DETAILS_LIMITS.depth) return "…";
    if (Array.isArray(v)) {
      const items = v.length > DETAILS_LIMITS.items ? v.slice(-DETAILS_LIMITS.items) : v;
      return items.map((x) => clip(x, depth + 1) ?? null);
    }
    if (typeof v === "object") {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const c = clip(x, depth + 1);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    return String(v);
  };
  const out = clip(details, 0) as { [key: string]: JsonValue };
  const size = (v: JsonValue | undefined) => JSON.stringify(v ?? null).length;
  const dropped: string[] = [];
  while (size(out) > DETAILS_LIMITS.total) {
    const biggest = Object.keys(out).sort((a, b) => size(out[b]) - size(out[a]))[0];
    if (biggest === undefined) break;
    delete out[biggest];
    dropped.push(biggest);
  }
  if (dropped.length > 0) out.truncated = dropped;
  return Object.keys(out).length > 0 ? out : undefined;
}
