// `with:` fields shared by the sql actions, and the plan text of a statement with its parameters redacted.

import type { Redactor } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import { connectionField } from "../shared/connection.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";
import type { SessionLimits } from "./pg-session.js";

/** Fields every sql action accepts. */
export const sqlCommonFields: Record<string, SchemaFragment> = {
  connection: connectionField("postgres"),
  timeout: {
    ...durationSchema,
    examples: ["30s"],
    description: "statement_timeout for each statement (default 30s).",
  },
  lockTimeout: {
    ...durationSchema,
    examples: ["5s"],
    description: "lock_timeout: give up waiting for a lock after this long (default 5s).",
  },
};

/** The JSON Schema of bound parameters: $1, $2, ... in order. */
export const paramsSchema: SchemaFragment = {
  type: "array",
  examples: [["${{ params.tenant }}", 42]],
  description: "Values bound to $1, $2, ... (never spliced into the SQL text).",
  items: {},
};

/** Fields the sql actions share, as arguments. */
export interface SqlCommonArgs {
  connection?: string;
  timeout?: string | number;
  lockTimeout?: string | number;
}

/** The session limits from the common fields. */
export function limitsOf(args: SqlCommonArgs, statements = 1): SessionLimits {
  const statementTimeoutMs = durationOr(args.timeout, 30_000);
  return {
    statementTimeoutMs,
    lockTimeoutMs: durationOr(args.lockTimeout, 5_000),
    totalTimeoutMs: statementTimeoutMs * Math.max(1, statements) + 15_000,
  };
}

/** `<sql>` plus `-- $1=... $2=...`, every value passed through the redactor. */
export function planStatement(
  sql: string,
  params: readonly JsonValue[] | undefined,
  redactor: Redactor,
): string {
  const text = redactor.redact(sql.trim());
  if (!params || params.length === 0) return text;
  const bound = params.map((p, i) => `$${i + 1}=${redactor.redact(JSON.stringify(p))}`).join(" ");
  return `${text}\n  -- bound: ${bound}`;
}

/** "on <connection>" for plans, or the default wording. */
export function onConnection(connection: string | undefined): string {
  return connection ? `[${connection}]` : "[postgres]";
}
