// Since PostgreSQL 11 a constant default is stored in the catalog; a volatile one rewrites the whole table.
import { defineRule } from "../rule.js";
import { alterCommands, createdHere, type PgNode, relationName, sqlOf, walkTree } from "../sql/statements.js";

/** Functions PostgreSQL marks volatile that column defaults use (now() and CURRENT_TIMESTAMP are stable). */
const VOLATILE = new Set([
  "random",
  "clock_timestamp",
  "timeofday",
  "gen_random_uuid",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuidv4",
  "uuidv7",
  "nextval",
  "txid_current",
  "setseed",
]);
const SERIAL = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

/** The volatile function a default expression calls, or undefined. */
function volatileCall(expr: unknown): string | undefined {
  let found: string | undefined;
  walkTree(expr, (o) => {
    const names = o.FuncCall?.funcname as PgNode[] | undefined;
    const last = names?.[names.length - 1]?.String?.sval;
    if (!found && typeof last === "string" && VOLATILE.has(last.toLowerCase())) found = last.toLowerCase();
  });
  return found;
}

/** `ALTER TABLE … ADD COLUMN … DEFAULT <volatile call>` (or a serial column) on a table the step did not create. */
export const sqlVolatileDefault = defineRule({
  meta: {
    id: "sql-volatile-default",
    docs: {
      description:
        "ADD COLUMN on an existing table must not have a volatile default (random(), clock_timestamp(), gen_random_uuid(), nextval(), a serial type): the table is rewritten under an ACCESS EXCLUSIVE lock.",
      severity: "warning",
    },
    messages: {
      volatile:
        "the default of column {{column}} calls {{fn}}(), which is volatile: PostgreSQL rewrites every row of {{table}} under an ACCESS EXCLUSIVE lock (a constant or stable default such as 0 or now() is stored in the catalog instead); add the column without the default or with a constant one, backfill in batches, then SET DEFAULT",
      serial:
        "column {{column}} is {{type}}, whose default calls nextval(): PostgreSQL rewrites every row of {{table}} under an ACCESS EXCLUSIVE lock; add a plain column, backfill in batches, then attach the sequence",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        const sql = sqlOf(step);
        if (!sql) return;
        for (const s of sql.statements) {
          const table = relationName(s.body.relation);
          if (createdHere(sql, table)) continue;
          for (const c of alterCommands(s)) {
            const col = c.subtype === "AT_AddColumn" ? (c.def?.ColumnDef as PgNode | undefined) : undefined;
            if (!col) continue;
            const column = String(col.colname ?? "");
            const type = ((col.typeName?.names ?? []) as PgNode[])
              .map((n) => String(n.String?.sval ?? ""))
              .pop();
            for (const k of (col.constraints ?? []) as PgNode[]) {
              const con = k.Constraint as PgNode | undefined;
              if (con?.contype !== "CONSTR_DEFAULT") continue;
              const fn = volatileCall(con.raw_expr);
              if (!fn) continue;
              const at = s.at(Number(con.location ?? 0));
              ctx.report({
                messageId: "volatile",
                span: ctx.textSpan(s.source, at, at + "DEFAULT".length),
                data: { column, fn, table: table ?? "the table" },
              });
            }
            if (type && SERIAL.has(type.toLowerCase())) {
              const at = s.at(Number(col.typeName?.location ?? col.location ?? 0));
              ctx.report({
                messageId: "serial",
                span: ctx.textSpan(s.source, at, at + type.length),
                data: { column, type, table: table ?? "the table" },
              });
            }
          }
        }
      },
    };
  },
});
