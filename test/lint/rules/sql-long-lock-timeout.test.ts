import { describe } from "vitest";
import { sqlLongLockTimeout } from "../../../src/lint/rules/sql-long-lock-timeout.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

const alter = "ALTER TABLE metrics SET (timescaledb.compress_segmentby = 'device_id')";

describe("sql-long-lock-timeout", () => {
  ruleTester(sqlLongLockTimeout, {
    valid: [
      { name: "the default lock_timeout (5s)", code: doc(exec([alter])) },
      { name: "a short lockTimeout", code: doc(exec([alter], "          lockTimeout: 5s\n")) },
      {
        name: "VALIDATE CONSTRAINT takes a weak lock and may wait long",
        code: doc(exec(["ALTER TABLE issues VALIDATE CONSTRAINT fk_ns"], "          lockTimeout: 1m\n")),
      },
      {
        name: "a table the same step creates",
        code: doc(
          exec(["CREATE TABLE t2 (a int)", "ALTER TABLE t2 ADD COLUMN b int"], "          lockTimeout: 5m\n"),
        ),
      },
      {
        name: "a higher limit from the options",
        options: { maxLockTimeout: "1m" },
        code: doc(exec([alter], "          lockTimeout: 30s\n")),
      },
    ],
    invalid: [
      {
        name: "ALTER TABLE waiting up to 30 minutes",
        code: doc(exec([alter], "          lockTimeout: 30m\n")),
        errors: [{ line: 16, column: 24, at: "30m", message: "locks metrics and waits up to 30m" }],
      },
      {
        name: "SET lock_timeout = 0 before the ALTER",
        code: doc(exec(["SET lock_timeout = 0", "ALTER TABLE t DROP COLUMN c"])),
        errors: [{ line: 17, column: 15, at: "SET lock_timeout = 0", message: "wait forever" }],
      },
    ],
  });
});
