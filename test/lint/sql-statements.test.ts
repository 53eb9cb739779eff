// Which SQL the sql-* rules parse: the strings holding a statement kind some rule reads, each string whole.
import { beforeAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { loadSqlParser } from "../../src/lint/sql/parser.js";
import { hasSql, sqlOf } from "../../src/lint/sql/statements.js";
import type { Runbook, Step } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";
import { doc } from "./rule-tester.js";
import { exec } from "./sql-doc.js";

function load(text: string): Runbook {
  const loaded = loadRunbook("t.rb.yaml", text, { catalog: builtinCatalog });
  if (!loaded.runbook) throw new Error(loaded.diagnostics.map((d) => d.message).join("; "));
  return loaded.runbook;
}

const firstStep = (r: Runbook): Step => r.phases[0]?.steps[0] as Step;

describe("the SQL the rules read", () => {
  beforeAll(() => loadSqlParser());

  it("does not need PostgreSQL's parser for a runbook whose SQL only reads and writes rows", () => {
    const r = load(
      doc(exec(['"UPDATE t SET v = 1 WHERE id = 2"', '"INSERT INTO t (a) VALUES (1)"', "DELETE FROM t"])),
    );
    expect(hasSql(r)).toBe(false);
    expect(sqlOf(firstStep(r))?.statements).toEqual([]);
  });

  it("needs it as soon as one string holds a statement a rule reads, in any case", () => {
    for (const sql of [
      "create index i on t (a)",
      "ALTER TABLE t ADD COLUMN b int",
      "DROP TABLE t",
      "TRUNCATE t",
      "LOCK TABLE t",
      "SET lock_timeout = 0",
      "VACUUM t",
      "REINDEX TABLE t",
    ])
      expect(hasSql(load(doc(exec(['"UPDATE t SET v = 1"', `"${sql}"`])))), sql).toBe(true);
  });

  it("parses such a string whole: its other statements count as siblings, other strings are left out", () => {
    const r = load(
      doc(exec(['"UPDATE t SET v = 1; CREATE INDEX CONCURRENTLY i ON t (a)"', '"UPDATE u SET v = 2"'])),
    );
    const sql = sqlOf(firstStep(r));
    expect(sql?.statements.map((s) => [s.kind, s.siblings])).toEqual([
      ["UpdateStmt", 2],
      ["IndexStmt", 2],
    ]);
    // Tokens are scanned when a rule asks for them, and are the statement's own.
    expect(sql?.statements[1]?.tokens.map((t) => t.text).slice(0, 3)).toEqual([
      "CREATE",
      "INDEX",
      "CONCURRENTLY",
    ]);
  });
});
