// Adding a FOREIGN KEY or CHECK validates every row while the lock is held; NOT VALID + VALIDATE does not block.
import { defineRule } from "../rule.js";
import { alterCommands, createdHere, type PgNode, relationName, sqlOf } from "../sql/statements.js";

/**
 * `ADD CONSTRAINT … FOREIGN KEY | CHECK` without `NOT VALID` on a table the step did not create; and a
 * `VALIDATE CONSTRAINT` in the same transaction as the `ADD … NOT VALID` it validates.
 */
export const sqlConstraintNotValid = defineRule({
  meta: {
    id: "sql-constraint-not-valid",
    docs: {
      description:
        "A FOREIGN KEY or CHECK added to an existing table must be added NOT VALID and validated in a separate transaction.",
      severity: "warning",
    },
    messages: {
      validating:
        "adding {{what}} to {{table}} checks every existing row while holding its lock{{fk}}; add it `NOT VALID` (new rows are checked at once), then `ALTER TABLE {{table}} VALIDATE CONSTRAINT …` in a separate sql.exec, which lets reads and writes go on",
      sameTransaction:
        "VALIDATE CONSTRAINT {{name}} runs in the same transaction as the ADD … NOT VALID that created it, so the ADD's lock is held through the validation and NOT VALID gains nothing; validate it in a separate sql.exec (or with `transaction: false`)",
    },
  },
  create(ctx) {
    return {
      step({ step }) {
        const sql = sqlOf(step);
        if (!sql) return;
        const addedNotValid = new Set<string>();
        for (const s of sql.statements) {
          const table = relationName(s.body.relation);
          for (const c of alterCommands(s)) {
            const con =
              c.subtype === "AT_AddConstraint" ? (c.def?.Constraint as PgNode | undefined) : undefined;
            if (con && (con.contype === "CONSTR_FOREIGN" || con.contype === "CONSTR_CHECK")) {
              if (con.skip_validation) {
                addedNotValid.add(String(con.conname ?? "").toLowerCase());
                continue;
              }
              if (createdHere(sql, table)) continue;
              const at = s.at(Number(con.location ?? 0));
              const fk = con.contype === "CONSTR_FOREIGN";
              ctx.report({
                messageId: "validating",
                span: ctx.textSpan(
                  s.source,
                  at,
                  at + (s.tokens.find((t) => t.start === at)?.text.length ?? 1),
                ),
                data: {
                  what: fk ? "a FOREIGN KEY" : "a CHECK constraint",
                  table: table ?? "the table",
                  fk: fk
                    ? ` (and a SHARE ROW EXCLUSIVE lock on the referenced table ${relationName(con.pktable) ?? ""})`
                    : "",
                },
              });
            } else if (c.subtype === "AT_ValidateConstraint" && sql.transaction !== false) {
              const name = String(c.name ?? "").toLowerCase();
              if (!addedNotValid.has(name)) continue;
              ctx.report({
                messageId: "sameTransaction",
                span: ctx.textSpan(s.source, s.start, s.end),
                data: { name },
              });
            }
          }
        }
      },
    };
  },
});
