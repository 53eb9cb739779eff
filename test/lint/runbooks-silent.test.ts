// The product and example runbooks are the reference for good practice: `rbx lint` must be silent on them.
// A finding may be suppressed only in the document, next to the step, with a reason (a reasonless or unused
// suppression is itself reported).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { lintSource } from "../../src/lint/linter.js";

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
    it(file, async () => {
      const found = (
        await lintSource(file, readFileSync(file, "utf8"), { catalog: builtinCatalog })
      ).diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`);
      expect(found).toEqual([]);
    });
  }
});
