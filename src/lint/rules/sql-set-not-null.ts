// SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK already proves it.
import { defineRule } from "../rule.js";
import {
  alterCommands,
  bareName,
  createdHere,
  findWords,
  type PgNode,
  relationName,
  sqlOf,
} from "../sql/statements.js";

/** `CHECK (col IS NOT NULL)`: the column it proves not null, or undefined. */
function notNullColumn(constraint: PgNode): string | undefined {
  const test = constraint.raw_expr?.NullTest as PgNode | undefined;
  if (test?.nulltesttype !== "IS_NOT_NULL") return undefined;
  const fields = (test.arg?.ColumnRef?.fields ?? []) as PgNode[];
  const last = fields[fields.length - 1]?.String?.sval;
  return typeof last === "string" ? last.toLowerCase() : undefined;
}

/**
 * `ALTER TABLE … ALTER COLUMN … SET NOT NULL` not preceded, in run order, by a validated `CHECK (col IS NOT NULL)`
 * on that column; and `ADD COLUMN … NOT NULL` without a default on a table the step did not create.
 */
export const sqlSetNotNull = defineRule({
  meta: {
    id: "sql-set-not-null",
    docs: {
      description:
        "SET NOT NULL on an existing table needs a validated `CHECK (col IS NOT NULL)` first (added NOT VALID, then VALIDATE); ADD COLUMN … NOT NULL needs a default.",
      severity: "warning",
    },
    messages: {
      setNotNull:
        "SET NOT NULL on {{table}}.{{column}} scans every row under an ACCESS EXCLUSIVE lock (reads and writes wait); first add `CHECK ({{column}} IS NOT NULL) NOT VALID`, VALIDATE it in a separate step, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check",
      addNotNull:
        "ADD COLUMN {{column}} … NOT NULL without a DEFAULT fails as soon as {{table}} has a row; give it a constant default, or add it nullable, backfill, and use a validated CHECK before SET NOT NULL",
    },
  },
  create(ctx) {
    /** `table.column` pairs proven not null by a validated check; NOT VALID checks by name until validated. */
    const proven = new Set<string>();
    const pending = new Map<string, string>();
    return {
      step(site) {
        if (site.place !== "phase") return;
        const sql = sqlOf(site.step);
        if (!sql) return;
        for (const s of sql.statements) {
          let setNth = 0;
          const table = relationName(s.body.relation);
          const t = table ? bareName(table) : "";
          for (const c of alterCommands(s)) {
            if (c.subtype === "AT_AddConstraint" && c.def?.Constraint?.contype === "CONSTR_CHECK") {
              const con = c.def.Constraint as PgNode;
              const column = notNullColumn(con);
              if (column && con.skip_validation)
                pending.set(String(con.conname ?? "").toLowerCase(), `${t}.${column}`);
              else if (column) proven.add(`${t}.${column}`);
            } else if (c.subtype === "AT_ValidateConstraint") {
              const pair = pending.get(String(c.name ?? "").toLowerCase());
              if (pair) proven.add(pair);
            } else if (c.subtype === "AT_SetNotNull") {
              const column = String(c.name ?? "").toLowerCase();
              const token = findWords(s, ["SET", "NOT", "NULL"], setNth++);
              if (createdHere(sql, table) || proven.has(`${t}.${column}`)) continue;
              const at = token ?? s.tokens[0];
              ctx.report({
                messageId: "setNotNull",
                span: ctx.textSpan(
                  s.source,
                  at?.start ?? s.start,
                  at ? at.start + "SET NOT NULL".length : s.end,
                ),
                data: { table: table ?? "the table", column },
              });
            } else if (c.subtype === "AT_AddColumn" && !createdHere(sql, table)) {
              const col = c.def?.ColumnDef as PgNode | undefined;
              const kinds = ((col?.constraints ?? []) as PgNode[]).map((k) => k.Constraint?.contype);
              const filled = kinds.some(
                (k) => k === "CONSTR_DEFAULT" || k === "CONSTR_IDENTITY" || k === "CONSTR_GENERATED",
              );
              if (!kinds.includes("CONSTR_NOTNULL") || filled) continue;
              const nn = ((col?.constraints ?? []) as PgNode[]).find(
                (k) => k.Constraint?.contype === "CONSTR_NOTNULL",
              );
              const at = s.at(Number(nn?.Constraint?.location ?? 0));
              ctx.report({
                messageId: "addNotNull",
                span: ctx.textSpan(s.source, at, at + "NOT NULL".length),
                data: { table: table ?? "the table", column: String(col?.colname ?? "") },
              });
            }
          }
        }
      },
    };
  },
});
