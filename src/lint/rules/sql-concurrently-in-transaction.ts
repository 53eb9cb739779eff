// PostgreSQL refuses CONCURRENTLY (and VACUUM, CREATE DATABASE…) inside a transaction block: the step cannot work.
import type { Span } from "../../diagnostics/diagnostic.js";
import { defineRule } from "../rule.js";
import { alterCommands, findWords, type PgNode, type SqlStatement, sqlOf } from "../sql/statements.js";

/** What in a statement cannot run in a transaction block, or undefined. */
function refused(s: SqlStatement): string | undefined {
  const b = s.body;
  if ((s.kind === "IndexStmt" || s.kind === "DropStmt") && b.concurrent) return "CONCURRENTLY";
  if (
    s.kind === "ReindexStmt" &&
    ((b.params ?? []) as PgNode[]).some((p) => p.DefElem?.defname === "concurrently")
  )
    return "CONCURRENTLY";
  if (alterCommands(s).some((c) => c.subtype === "AT_DetachPartition" && c.def?.PartitionCmd?.concurrent))
    return "CONCURRENTLY";
  if (s.kind === "VacuumStmt" && b.is_vacuumcmd) return "VACUUM";
  if (s.kind === "CreatedbStmt") return "CREATE DATABASE";
  if (s.kind === "DropdbStmt") return "DROP DATABASE";
  if (s.kind === "AlterSystemStmt") return "ALTER SYSTEM";
  if (s.kind === "CreateTableSpaceStmt") return "CREATE TABLESPACE";
  return undefined;
}

/**
 * A statement PostgreSQL refuses inside a transaction block, in a sql.exec that runs one (`transaction` true, the
 * default), or in a string holding several statements (which the server runs as one implicit transaction).
 */
export const sqlConcurrentlyInTransaction = defineRule({
  meta: {
    id: "sql-concurrently-in-transaction",
    docs: {
      description:
        "`… CONCURRENTLY`, VACUUM, CREATE/DROP DATABASE and ALTER SYSTEM cannot run in a transaction: their sql.exec needs `transaction: false`, one statement per string.",
      severity: "error",
    },
    messages: {
      transaction:
        "{{what}} cannot run inside a transaction block, and this sql.exec runs its statements in one (`transaction` defaults to true): PostgreSQL refuses it and the step can never succeed; set `transaction: false`",
      multi:
        "{{what}} cannot run inside a transaction block, and this string holds {{count}} statements, which PostgreSQL runs as one implicit transaction: put it in a list item of its own",
    },
  },
  create(ctx) {
    const spanOf = (s: SqlStatement, what: string): Span => {
      const t = what === "CONCURRENTLY" ? findWords(s, ["CONCURRENTLY"]) : undefined;
      return t
        ? ctx.textSpan(s.source, t.start, t.end)
        : ctx.textSpan(s.source, s.start, s.start + (s.tokens[0]?.text.length ?? 1));
    };
    return {
      step({ step }) {
        const sql = sqlOf(step);
        if (!sql) return;
        for (const s of sql.statements) {
          const what = refused(s);
          if (!what) continue;
          if (sql.transaction === true)
            ctx.report({ messageId: "transaction", span: spanOf(s, what), data: { what } });
          else if (s.siblings > 1)
            ctx.report({ messageId: "multi", span: spanOf(s, what), data: { what, count: s.siblings } });
        }
      },
    };
  },
});
