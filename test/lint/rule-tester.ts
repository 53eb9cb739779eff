// An eslint-style RuleTester: valid documents stay silent, invalid ones report at exact lines and columns.

import { beforeAll, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import type { RuleSetting } from "../../src/lint/config.js";
import type { AnyRule } from "../../src/lint/rules/index.js";
import { rules } from "../../src/lint/rules/index.js";
import { runRules } from "../../src/lint/run-rules.js";
import { loadSqlParser } from "../../src/lint/sql/parser.js";
import { loadRunbook } from "../../src/parser/load.js";

/** The lines every test document starts with (5 lines), so bodies begin on line 6. */
export const HEADER = "apiVersion: rbx/v1\nkind: Runbook\nmetadata:\n  name: t\n  version: 1.0.0\n";

/** A document: the header and a body written flush-left in the test. */
export function doc(body: string): string {
  return HEADER + body.replace(/^\n/, "");
}

export interface Expected {
  line: number;
  column: number;
  /** A substring the message must contain. */
  message?: string;
  /** The document text must read this at the reported position (guards against miscounted positions). */
  at?: string;
}

export interface InvalidCase {
  name: string;
  code: string;
  errors: Expected[];
  options?: Record<string, unknown>;
}

export interface ValidCase {
  name: string;
  code: string;
  options?: Record<string, unknown>;
}

/** Load a document (it must load) and run only `rule` over it. */
export function findings(rule: AnyRule, code: string, options?: Record<string, unknown>) {
  const loaded = loadRunbook("t.rb.yaml", code, { catalog: builtinCatalog });
  if (!loaded.runbook) {
    throw new Error(
      `test document does not load: ${loaded.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`).join("; ")}`,
    );
  }
  const settings = new Map<string, RuleSetting>(rules.map((r) => [r.meta.id, { level: "off" }]));
  settings.set(
    rule.meta.id,
    options ? { level: rule.meta.docs.severity, options } : { level: rule.meta.docs.severity },
  );
  return runRules(loaded.runbook, loaded.source, builtinCatalog, { rules: settings });
}

/** Declare the tests of one rule. */
export function ruleTester(rule: AnyRule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  // The sql-* rules read statements with PostgreSQL's parser, which loads asynchronously (lintSource awaits it).
  beforeAll(() => loadSqlParser());
  for (const c of cases.valid) {
    it(`valid: ${c.name}`, () => {
      expect(
        findings(rule, c.code, c.options).map(
          (d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`,
        ),
      ).toEqual([]);
    });
  }
  for (const c of cases.invalid) {
    it(`invalid: ${c.name}`, () => {
      const got = findings(rule, c.code, c.options);
      expect(got.every((d) => d.code === rule.meta.id && d.severity === rule.meta.docs.severity)).toBe(true);
      expect(got.map((d) => ({ line: d.span.start.line, column: d.span.start.column }))).toEqual(
        c.errors.map((e) => ({ line: e.line, column: e.column })),
      );
      const lines = c.code.split("\n");
      c.errors.forEach((e, i) => {
        if (e.message) expect(got[i]?.message).toContain(e.message);
        if (e.at) expect(lines[e.line - 1]?.slice(e.column - 1, e.column - 1 + e.at.length)).toBe(e.at);
      });
    });
  }
}

/** A minimal last phase for documents that only exercise the top of the file (phases are required). */
export const TAIL =
  "phases:\n  - id: p\n    steps:\n      - id: a\n        action: approve\n        with: { prompt: ok, timeout: 1m }\n";
