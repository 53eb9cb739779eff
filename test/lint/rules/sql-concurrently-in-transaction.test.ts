import { describe } from "vitest";
import { sqlConcurrentlyInTransaction } from "../../../src/lint/rules/sql-concurrently-in-transaction.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

describe("sql-concurrently-in-transaction", () => {
  ruleTester(sqlConcurrentlyInTransaction, {
    valid: [
      {
        name: "transaction: false, one statement per item",
        code: doc(
          exec(
            [
              "REINDEX INDEX CONCURRENTLY i_a",
              "CREATE INDEX CONCURRENTLY i_b ON t (b)",
              "VACUUM (ANALYZE) t",
            ],
            "          transaction: false\n",
          ),
        ),
      },
      { name: "ANALYZE alone may run in a transaction", code: doc(exec(["ANALYZE t"])) },
    ],
    invalid: [
      {
        name: "REINDEX CONCURRENTLY in the default transaction",
        code: doc(exec(["REINDEX INDEX CONCURRENTLY i_a"])),
        errors: [
          { line: 17, column: 29, at: "CONCURRENTLY", message: "cannot run inside a transaction block" },
        ],
      },
      {
        name: "several statements in one string run as one implicit transaction",
        code: doc(
          exec(['"SELECT 1; CREATE INDEX CONCURRENTLY i ON t (a)"'], "          transaction: false\n"),
        ),
        errors: [{ line: 18, column: 39, at: "CONCURRENTLY", message: "this string holds 2 statements" }],
      },
      {
        name: "VACUUM in a transaction",
        code: doc(exec(["VACUUM t"])),
        errors: [{ line: 17, column: 15, at: "VACUUM" }],
      },
    ],
  });
});
