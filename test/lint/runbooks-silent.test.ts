// The product and example runbooks are the reference for good practice: no rule may fire on them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/lint/run-rules.js";
import { loadRunbook } from "../../src/parser/load.js";

function runbookFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? runbookFiles(join(dir, e.name))
      : /\.rb\.ya?ml$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

const files = [...runbookFiles("runbooks"), ...runbookFiles("test/lint/fixtures/ok")];

describe("rules stay silent on good runbooks", () => {
  it("finds the runbooks", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(file, () => {
      const loaded = loadRunbook(file, readFileSync(file, "utf8"));
      expect(loaded.runbook, loaded.diagnostics.map((d) => d.message).join("; ")).toBeDefined();
      if (!loaded.runbook) return;
      const found = runRules(loaded.runbook, loaded.source).map(
        (d) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`,
      );
      expect(found).toEqual([]);
    });
  }
});
