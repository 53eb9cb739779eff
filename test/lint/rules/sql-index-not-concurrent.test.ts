import { describe } from "vitest";
import { sqlIndexNotConcurrent } from "../../../src/lint/rules/sql-index-not-concurrent.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

describe("sql-index-not-concurrent", () => {
  ruleTester(sqlIndexNotConcurrent, {
    valid: [
      {
        name: "CREATE INDEX CONCURRENTLY outside a transaction",
        code: doc(
          exec(["CREATE INDEX CONCURRENTLY IF NOT EXISTS i_a ON t (a)"], "          transaction: false\n"),
        ),
      },
      {
        name: "an index on a table the same step creates",
        code: doc(exec(["CREATE TABLE t2 (a int)", "CREATE INDEX i_t2 ON t2 (a)", "DROP INDEX i_t2"])),
      },
      { name: "SQL that does not parse is left to PostgreSQL", code: doc(exec(["CREATE INDX i ON t (a)"])) },
    ],
    invalid: [
      {
        name: "a plain CREATE INDEX on an existing table",
        code: doc(exec(["CREATE INDEX IF NOT EXISTS i_a ON offline_client_session (client_id)"])),
        errors: [
          { line: 17, column: 15, at: "CREATE", message: "locks offline_client_session against writes" },
        ],
      },
      {
        name: "DROP INDEX and REINDEX without CONCURRENTLY, after a comment",
        code: doc(exec(['"-- old index\\nDROP INDEX i_old"', "REINDEX INDEX i_b"])),
        errors: [
          { line: 17, column: 30, message: "DROP INDEX without CONCURRENTLY" },
          { line: 18, column: 15, at: "REINDEX", message: "REINDEX without CONCURRENTLY" },
        ],
      },
    ],
  });
});
