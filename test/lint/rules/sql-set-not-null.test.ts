import { describe } from "vitest";
import { sqlSetNotNull } from "../../../src/lint/rules/sql-set-not-null.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

const setNotNull = "ALTER TABLE issues ALTER COLUMN namespace_id SET NOT NULL";

describe("sql-set-not-null", () => {
  ruleTester(sqlSetNotNull, {
    valid: [
      {
        name: "a CHECK added NOT VALID and validated first (GitLab's pattern)",
        code: doc(
          exec([
            "ALTER TABLE issues ADD CONSTRAINT check_ns CHECK (namespace_id IS NOT NULL) NOT VALID",
            "ALTER TABLE issues VALIDATE CONSTRAINT check_ns",
            setNotNull,
            "ALTER TABLE issues DROP CONSTRAINT check_ns",
          ]),
        ),
      },
      {
        name: "NOT NULL with a constant default, and a new table",
        code: doc(
          exec([
            "ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT false",
            "CREATE TABLE t2 (a int)",
            "ALTER TABLE t2 ALTER COLUMN a SET NOT NULL",
          ]),
        ),
      },
    ],
    invalid: [
      {
        name: "SET NOT NULL straight on an existing table",
        code: doc(exec([setNotNull])),
        errors: [{ line: 17, column: 60, at: "SET NOT NULL", message: "scans every row" }],
      },
      {
        name: "a check that is never validated does not prove it; ADD COLUMN NOT NULL without a default",
        code: doc(
          exec([
            "ALTER TABLE issues ADD CONSTRAINT check_ns CHECK (namespace_id IS NOT NULL) NOT VALID",
            setNotNull,
            "ALTER TABLE t ADD COLUMN c int NOT NULL",
          ]),
        ),
        errors: [
          { line: 18, column: 60, at: "SET NOT NULL" },
          { line: 19, column: 46, at: "NOT NULL", message: "fails as soon as t has a row" },
        ],
      },
    ],
  });
});
