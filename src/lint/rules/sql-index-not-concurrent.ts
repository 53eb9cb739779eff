// A plain CREATE INDEX holds a SHARE lock for the whole build: every write to the table waits.
import { defineRule } from "../rule.js";
import { createdHere, type PgNode, relationName, type SqlStatement, sqlOf } from "../sql/statements.js";

/** True when a REINDEX carries the `CONCURRENTLY` option. */
const reindexConcurrently = (body: PgNode) =>
  ((body.params ?? []) as PgNode[]).some((p) => p.DefElem?.defname === "concurrently");

/**
 * `CREATE INDEX`, `DROP INDEX` and `REINDEX` without `CONCURRENTLY` in a sql.exec, on a table (or index) the
 * same step did not create.
 */
export const sqlIndexNotConcurrent = defineRule({
  meta: {
    id: "sql-index-not-concurrent",
    docs: {
      description:
        "CREATE INDEX, DROP INDEX and REINDEX on an existing table must use CONCURRENTLY (in a sql.exec with `transaction: false`).",
      severity: "warning",
    },
    messages: {
      create:
        "CREATE INDEX without CONCURRENTLY locks {{table}} against writes (SHARE lock) for the whole build; write CREATE INDEX CONCURRENTLY in a sql.exec with `transaction: false`",
      drop: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, queueing every reader and writer; write DROP INDEX CONCURRENTLY in a sql.exec with `transaction: false`",
      reindex:
        "REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it rebuilds; write REINDEX … CONCURRENTLY in a sql.exec with `transaction: false`",
    },
  },
  create(ctx) {
    const report = (s: SqlStatement, messageId: string, table = "the table") =>
      ctx.report({
        messageId,
        span: ctx.textSpan(s.source, s.start, s.start + (s.tokens[0]?.text.length ?? 1)),
        data: { table },
      });
    return {
      step({ step }) {
        const sql = sqlOf(step);
        if (!sql) return;
        const createdIndexes = new Set(
          sql.statements
            .filter((s) => s.kind === "IndexStmt" && s.body.idxname)
            .map((s) => String(s.body.idxname).toLowerCase()),
        );
        for (const s of sql.statements) {
          if (s.kind === "IndexStmt" && !s.body.concurrent) {
            const table = relationName(s.body.relation);
            if (!createdHere(sql, table)) report(s, "create", table);
          } else if (s.kind === "DropStmt" && s.body.removeType === "OBJECT_INDEX" && !s.body.concurrent) {
            const names = ((s.body.objects ?? []) as PgNode[]).map((o) =>
              ((o.List?.items ?? []) as PgNode[])
                .map((i) => String(i.String?.sval ?? "").toLowerCase())
                .pop(),
            );
            if (!names.every((n) => n !== undefined && createdIndexes.has(n))) report(s, "drop");
          } else if (s.kind === "ReindexStmt" && !reindexConcurrently(s.body)) {
            report(s, "reindex");
          }
        }
      },
    };
  },
});
