import { describe } from "vitest";
import { sqlConstraintNotValid } from "../../../src/lint/rules/sql-constraint-not-valid.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

const fk = "ALTER TABLE issues ADD CONSTRAINT fk_ns FOREIGN KEY (namespace_id) REFERENCES namespaces (id)";

describe("sql-constraint-not-valid", () => {
  ruleTester(sqlConstraintNotValid, {
    valid: [
      { name: "NOT VALID, validated in another step", code: doc(exec([`${fk} NOT VALID`])) },
      {
        name: "a constraint on a table the step creates",
        code: doc(exec(["CREATE TABLE t2 (a int)", "ALTER TABLE t2 ADD CONSTRAINT c CHECK (a > 0)"])),
      },
      {
        name: "VALIDATE with transaction: false runs apart from the ADD",
        code: doc(
          exec(
            [`${fk} NOT VALID`, "ALTER TABLE issues VALIDATE CONSTRAINT fk_ns"],
            "          transaction: false\n",
          ),
        ),
      },
    ],
    invalid: [
      {
        name: "a foreign key validated while the lock is held",
        code: doc(exec([fk])),
        errors: [
          {
            line: 17,
            column: 38,
            at: "CONSTRAINT",
            message: "adding a FOREIGN KEY to issues checks every existing row",
          },
        ],
      },
      {
        name: "a CHECK without NOT VALID, and a VALIDATE in the same transaction as its ADD",
        code: doc(
          exec([
            "ALTER TABLE t ADD CONSTRAINT c_pos CHECK (a > 0)",
            `${fk} NOT VALID`,
            "ALTER TABLE issues VALIDATE CONSTRAINT fk_ns",
          ]),
        ),
        errors: [
          { line: 17, column: 33, at: "CONSTRAINT", message: "a CHECK constraint" },
          { line: 19, column: 15, at: "ALTER TABLE issues VALIDATE", message: "same transaction" },
        ],
      },
    ],
  });
});
