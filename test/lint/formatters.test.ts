import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { formatGithub } from "../../src/lint/formatters/github.js";
import { defaultFormat } from "../../src/lint/formatters/index.js";
import { formatJson } from "../../src/lint/formatters/json.js";
import { formatStylish } from "../../src/lint/formatters/stylish.js";
import type { LintResult } from "../../src/lint/linter.js";
import { lintRulesOnly } from "./lint-helpers.js";
import { doc } from "./rule-tester.js";

const text = doc(`params:
  unused: { type: string, default: x }
connections:
  db: { kind: postgres, url: "postgres://app:hunter2@db.example/app" }
phases:
  - id: upgrade
    rollback:
      - action: helm.rollback
        with: { release: kryton }
    steps:
      - id: up
        action: helm.upgrade
        with: { release: kryton, chart: ./charts/kryton, atomic: true, timeout: 10m }
`);

function results(): LintResult[] {
  const diagnostics = lintRulesOnly(text);
  // A loader-style code too, at info severity.
  diagnostics.push({
    ...diagnostics[0]!,
    code: "unknown-step",
    severity: "info",
    message: "a note, with: colons, commas\nand a newline %",
  });
  return [
    {
      file: "runbooks/t.rb.yaml",
      source: new SourceFile("runbooks/t.rb.yaml", text),
      diagnostics: diagnostics.map((d) => ({ ...d, span: { ...d.span, file: "runbooks/t.rb.yaml" } })),
    },
  ];
}

describe("formatters", () => {
  it("github prints escaped workflow commands with the full range", async () => {
    const out = await formatGithub(results(), { color: false, cwd: "/" });
    const lines = out.trimEnd().split("\n");
    expect(lines).toContain(
      "::warning file=runbooks/t.rb.yaml,line=7,col=3,endLine=7,endColumn=9,title=rbx unused-param::param unused is never used; remove it or reference it as `params.unused`",
    );
    expect(
      lines.some(
        (l) =>
          l.startsWith("::error file=runbooks/t.rb.yaml,line=13,col=17,") &&
          l.includes("title=rbx atomic-with-rollback-boundary::"),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^::notice file=.*title=rbx unknown-step::a note, with: colons, commas%0Aand a newline %25$/,
    );
  });

  it("json keeps spans and counts", async () => {
    const parsed = JSON.parse(await formatJson(results(), { color: false, cwd: "/" })) as {
      files: { file: string; diagnostics: { code: string; span: { start: { line: number } } }[] }[];
      summary: { files: number; errors: number; warnings: number; infos: number };
    };
    expect(parsed.files[0]?.file).toBe("runbooks/t.rb.yaml");
    expect(parsed.summary.files).toBe(1);
    expect(parsed.summary.infos).toBe(1);
    expect(parsed.summary.errors + parsed.summary.warnings + parsed.summary.infos).toBe(
      parsed.files[0]?.diagnostics.length,
    );
  });

  it("stylish shows carets, colours only when asked", async () => {
    const plain = await formatStylish(results(), { color: false, cwd: "/" });
    expect(plain).toContain("runbooks/t.rb.yaml:7:3: warning: param unused is never used");
    expect(plain).toContain("7 |   unused: { type: string, default: x }\n  |   ^~~~~~");
    expect(plain).not.toContain("\u001b[");
    expect(plain.trimEnd().split("\n").at(-1)).toMatch(
      /^\d+ problems \(\d+ errors?, \d+ warnings?, 1 info\) in 1 file$/,
    );
    const coloured = await formatStylish(results(), { color: true, cwd: "/" });
    expect(coloured).toContain("\u001b[");
  });

  it("github is the default inside GitHub Actions", () => {
    expect(defaultFormat({ GITHUB_ACTIONS: "true" })).toBe("github");
    expect(defaultFormat({})).toBe("stylish");
  });
});
