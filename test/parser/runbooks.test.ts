// Every runbook shipped under runbooks/ passes `rbx validate` against the real built-in catalog and committed schema.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { validateFile } from "../../src/cli/commands/validate.js";
import { isRunbookFile } from "../../src/parser/runbook-files.js";

const root = join(import.meta.dirname, "..", "..");

function runbookFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && isRunbookFile(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

describe("runbooks/", () => {
  const files = runbookFiles(join(root, "runbooks"));

  it("holds at least the examples", () => {
    expect(files.filter((f) => f.startsWith("runbooks/examples/")).length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)(
    "%s validates clean (shape, references and the semantic checks of rbx validate)",
    async (file) => {
      const r = await validateFile(join(root, file));
      expect(
        r.diagnostics.map(
          (d) => `${file}:${d.span.start.line}:${d.span.start.column}: ${d.message} [${d.code}]`,
        ),
      ).toEqual([]);
    },
  );
});
