// While DDL waits for its lock, every later query on the table queues behind it: the outage is the wait.
import { parseDuration } from "../../contract/duration.js";
import type { ValueNode } from "../../parser/ast.js";
import { withEntry } from "../context.js";
import { defineRule } from "../rule.js";
import {
  alterCommands,
  createdHere,
  type PgNode,
  relationName,
  type SqlStatement,
  sqlOf,
} from "../sql/statements.js";

interface Options {
  /** The longest lock wait allowed for a statement that blocks the table (a duration, e.g. 10s). */
  maxLockTimeout: string;
}

/** ALTER TABLE commands that take a lock weaker than one blocking reads or writes. */
const LIGHT_ALTER = new Set(["AT_ValidateConstraint", "AT_SetStatistics", "AT_ClusterOn", "AT_DropCluster"]);

/** The table a statement locks against reads or writes, or undefined. */
function blockedTable(s: SqlStatement): string | undefined {
  const b = s.body;
  switch (s.kind) {
    case "AlterTableStmt":
      return alterCommands(s).some((c) => !LIGHT_ALTER.has(String(c.subtype)))
        ? relationName(b.relation)
        : undefined;
    case "IndexStmt":
      return b.concurrent ? undefined : relationName(b.relation);
    case "RenameStmt":
      return relationName(b.relation);
    case "TruncateStmt":
    case "LockStmt":
      return relationName(((b.relations ?? []) as PgNode[])[0]?.RangeVar) ?? "a table";
    case "DropStmt":
      return b.removeType === "OBJECT_TABLE" ? "a table" : undefined;
    default:
      return undefined;
  }
}

/** Milliseconds of a PostgreSQL lock_timeout value (an integer is milliseconds; units ms, s, min, h, d). */
function pgDurationMs(value: PgNode | undefined): number | undefined {
  const c = value?.A_Const;
  if (!c) return undefined;
  if (c.ival !== undefined) return Number(c.ival.ival ?? 0);
  const text = c.sval?.sval;
  if (typeof text !== "string") return undefined;
  const m = /^\s*([0-9.]+)\s*(ms|s|min|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "ms"] ?? 1;
  return Number(m[1]) * unit;
}

/** Milliseconds of a `lockTimeout:` value (a runbook duration); undefined for a template. */
function stepDurationMs(v: ValueNode): number | undefined {
  if (v.kind === "string" && !v.template) return parseDuration(v.value.trim());
  return undefined;
}

/**
 * A sql.exec whose statements lock a table against reads or writes (ALTER TABLE, a plain CREATE INDEX, TRUNCATE,
 * LOCK, DROP TABLE, a rename) on a table it did not create, with `lockTimeout` (or a `SET lock_timeout`) above the
 * limit, or `SET lock_timeout = 0` (wait forever).
 */
export const sqlLongLockTimeout = defineRule<Options>({
  meta: {
    id: "sql-long-lock-timeout",
    docs: {
      description:
        "DDL that blocks a table must give up waiting for its lock quickly (`lockTimeout` at most 10s by default, never `SET lock_timeout = 0`) and be retried.",
      severity: "warning",
    },
    messages: {
      long: "this sql.exec {{what}} {{table}} and waits up to {{wait}} for the lock: while it waits, every later query on the table queues behind it, so the outage is the wait; use a short lockTimeout (at most {{max}}) and a `retry:`",
      forever:
        "`SET lock_timeout` to 0 lets this statement wait forever for its lock on {{table}}, with every later query on the table queued behind it; keep the step's `lockTimeout` (5s by default) and add a `retry:`",
    },
    options: {
      schema: {
        type: "object",
        additionalProperties: false,
        properties: {
          maxLockTimeout: { type: "string", pattern: "^([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$" },
        },
      },
      defaults: { maxLockTimeout: "10s" },
    },
  },
  create(ctx) {
    const max = parseDuration(ctx.options.maxLockTimeout) ?? 10_000;
    return {
      step({ step }) {
        const sql = sqlOf(step);
        if (!sql) return;
        const blocking = sql.statements
          .map((s) => ({ s, table: blockedTable(s) }))
          .filter((x) => x.table !== undefined && !createdHere(sql, x.table));
        if (blocking.length === 0) return;
        const first = blocking[0] as { s: SqlStatement; table: string };
        const what = first.s.kind === "IndexStmt" ? "builds an index on" : "locks";
        const entry = withEntry(step, "lockTimeout");
        const ms = entry ? stepDurationMs(entry.value) : undefined;
        if (entry && ms !== undefined && ms > max) {
          ctx.report({
            messageId: "long",
            span: entry.value.span,
            data: {
              what,
              table: first.table,
              wait: entry.value.kind === "string" ? entry.value.value : `${ms / 1000}s`,
              max: ctx.options.maxLockTimeout,
            },
          });
        }
        for (const s of sql.statements) {
          if (s.kind !== "VariableSetStmt" || s.body.name !== "lock_timeout") continue;
          const set = pgDurationMs(((s.body.args ?? []) as PgNode[])[0]);
          if (set === undefined) continue;
          const span = ctx.textSpan(s.source, s.start, s.end);
          if (set === 0) ctx.report({ messageId: "forever", span, data: { table: first.table } });
          else if (set > max)
            ctx.report({
              messageId: "long",
              span,
              data: { what, table: first.table, wait: `${set / 1000}s`, max: ctx.options.maxLockTimeout },
            });
        }
      },
    };
  },
});
