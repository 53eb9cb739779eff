// Every rule has its page, linked from docs/rules/README.md with its default severity, and every page's
// "When this is fine" example is a complete runbook that lints silent (no warning or error from any rule).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { lintSource } from "../../src/lint/linter.js";
import { rules } from "../../src/lint/rules/index.js";
import { suppressionMeta } from "../../src/lint/suppressions.js";

const ids = [...rules.map((r) => ({ id: r.meta.id, severity: r.meta.docs.severity })), ...suppressionMeta];
const readme = readFileSync("docs/rules/README.md", "utf8");
const page = (id: string) => readFileSync(`docs/rules/${id}.md`, "utf8");

/** The first ```yaml block of a page's "## When this is fine" section. */
function fineExample(text: string): string | undefined {
  const section = /^## When this is fine\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1];
  return section ? /```yaml\n([\s\S]*?)```/.exec(section)?.[1] : undefined;
}

describe("rule docs", () => {
  it("the README states the severity policy", () => {
    expect(readme).toContain("## Severity policy");
    for (const level of ["**error**", "**warning**", "**info**"]) expect(readme).toContain(level);
  });

  for (const { id, severity } of ids) {
    describe(id, () => {
      it("is listed in the README with its default severity, and its page says the severity", () => {
        expect(readme).toContain(`| [${id}](${id}.md) | ${severity} |`);
        expect(page(id)).toMatch(new RegExp(`^# ${id}\\n`));
        expect(page(id)).toContain(`Default severity: **${severity}**`);
      });

      it("its When-this-is-fine example is a complete runbook that lints silent", async () => {
        const yaml = fineExample(page(id));
        expect(
          yaml,
          `docs/rules/${id}.md needs a "## When this is fine" section with a yaml example`,
        ).toBeDefined();
        expect(yaml).toMatch(/^apiVersion: rbx\/v1$/m);
        const found = (
          await lintSource(`docs/rules/${id}.md`, yaml ?? "", { catalog: builtinCatalog })
        ).diagnostics
          .filter((d) => d.severity !== "info" || d.code === id)
          .map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`);
        expect(found).toEqual([]);
      });
    });
  }
});
