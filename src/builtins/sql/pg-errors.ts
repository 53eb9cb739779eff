// PostgreSQL failures turned into ActionErrors with a kind a runbook can match on and a message that helps.
import { ActionError, messageOf } from "../shared/action-error.js";
import type { Deadline } from "../shared/deadline.js";
import { abortError } from "../shared/deadline.js";
import { networkCode } from "../shared/network-errors.js";

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

const KIND_BY_SQLSTATE: Record<string, string> = {
  "55P03": "lock-timeout",
  "40P01": "deadlock",
  "40001": "serialization-failure",
  "28P01": "unauthenticated",
  "28000": "unauthenticated",
  "42501": "forbidden",
  "57P01": "connection-reset",
  "57P02": "connection-reset",
  "57P03": "connection-refused",
  "3D000": "database-not-found",
  "42P01": "undefined-table",
  "23505": "unique-violation",
};

/** An ActionError for a pg failure: `statement-timeout`, `lock-timeout`, `sql-error` (with the SQLSTATE), ... */
export function pgError(
  error: unknown,
  what: string,
  connection: string,
  redact: (text: string) => string,
  d?: Deadline,
): ActionError {
  if (error instanceof ActionError) return error;
  if (d?.signal.aborted) return abortError(what, d, error);
  const e = (error ?? {}) as PgLikeError;
  const code = e.code ?? "";
  const isSqlState = /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("E");
  let kind =
    KIND_BY_SQLSTATE[code] ?? (isSqlState ? "sql-error" : (networkCode(error) ?? "connection-failed"));
  if (code === "57014")
    kind = /statement timeout/i.test(e.message ?? "") ? "statement-timeout" : "query-canceled";
  const parts = [`${what} on connection "${connection}" failed: ${messageOf(error)}`];
  if (e.detail) parts.push(`detail: ${e.detail}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  if (isSqlState) parts.push(`(SQLSTATE ${code})`);
  if (kind === "lock-timeout")
    parts.push("— another session holds a conflicting lock; find it in pg_stat_activity");
  if (kind === "statement-timeout") parts.push("— raise the step's `timeout` or make the statement cheaper");
  return new ActionError(kind, redact(parts.join(" ")), {
    cause: error,
    details: isSqlState ? { sqlstate: code, ...(e.position ? { position: Number(e.position) } : {}) } : {},
  });
}
