import { describe } from "vitest";
import { sqlVolatileDefault } from "../../../src/lint/rules/sql-volatile-default.js";
import { doc, ruleTester } from "../rule-tester.js";
import { exec } from "../sql-doc.js";

describe("sql-volatile-default", () => {
  ruleTester(sqlVolatileDefault, {
    valid: [
      {
        name: "constant and stable defaults are stored in the catalog",
        code: doc(
          exec([
            "ALTER TABLE threads ADD COLUMN lastupdatedms bigint DEFAULT 0",
            "ALTER TABLE threads ADD COLUMN seen timestamptz DEFAULT now()",
          ]),
        ),
      },
      {
        name: "a new table may have any default",
        code: doc(
          exec(["CREATE TABLE t2 (a int)", "ALTER TABLE t2 ADD COLUMN id uuid DEFAULT gen_random_uuid()"]),
        ),
      },
    ],
    invalid: [
      {
        name: "clock_timestamp() inside an expression",
        code: doc(
          exec([
            "ALTER TABLE threads ADD COLUMN IF NOT EXISTS lastupdatedms bigint DEFAULT (extract(epoch from clock_timestamp()) * 1000)::bigint",
          ]),
        ),
        errors: [
          { line: 17, column: 81, at: "DEFAULT", message: "calls clock_timestamp(), which is volatile" },
        ],
      },
      {
        name: "a uuid default and a serial column",
        code: doc(
          exec(["ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid(), ADD COLUMN n bigserial"]),
        ),
        errors: [
          { line: 17, column: 48, at: "DEFAULT", message: "gen_random_uuid" },
          { line: 17, column: 88, at: "bigserial", message: "column n is bigserial" },
        ],
      },
    ],
  });
});
