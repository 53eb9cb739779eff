import { readFileSync } from "node:fs";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { formatGithub } from "../../src/lint/formatters/github.js";
import { defaultFormat } from "../../src/lint/formatters/index.js";
import { formatJson } from "../../src/lint/formatters/json.js";
import { formatSarifWith } from "../../src/lint/formatters/sarif.js";
import { formatStylish } from "../../src/lint/formatters/stylish.js";
import type { LintResult } from "../../src/lint/linter.js";
import { rules } from "../../src/lint/rules/index.js";
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
  // A loader-style code too, so SARIF must list rules that are not lint rules.
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

// The OASIS SARIF 2.1.0 schema, kept in the repository with its provenance (test/data/sarif/README.md).
const schema = JSON.parse(
  readFileSync(new URL("../data/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
) as object;

describe("formatters", () => {
  it("sarif validates against the SARIF 2.1.0 schema and links every rule to its page", async () => {
    const out = await formatSarifWith("0.1.0")(results(), { color: false, cwd: "/work/main" });
    const log = JSON.parse(out) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri?: string; help?: { markdown: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }[];
        }[];
      }[];
    };
    // Both packages are CommonJS; under NodeNext their classes sit on `.default`.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0]!;
    for (const r of rules) {
      const entry = run.tool.driver.rules.find((x) => x.id === r.meta.id);
      expect(entry?.helpUri).toMatch(new RegExp(`^file:///.*docs/rules/${r.meta.id}\\.md$`));
      expect(entry?.help?.markdown).toContain(`# ${r.meta.id}`);
    }
    expect(run.results.length).toBeGreaterThan(2);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    const secret = run.results.find((r) => r.ruleId === "secret-literal")!;
    expect(secret.level).toBe("error");
    expect(secret.locations[0]?.physicalLocation.artifactLocation.uri).toBe("runbooks/t.rb.yaml");
    expect(secret.locations[0]?.physicalLocation.region).toMatchObject({ startLine: 9, startColumn: 31 });
    // The finding names the kind of secret; the value itself never reaches the report.
    expect(JSON.stringify(run.results)).not.toContain("hunter2");
    expect(run.results.find((r) => r.ruleId === "unknown-step")?.level).toBe("note");
  });

  it("sarif help links follow --docs-url", async () => {
    const out = await formatSarifWith("0.1.0")(results(), {
      color: false,
      cwd: "/work/main",
      docsBaseUri: "https://example.org/rbx/docs/rules/",
    });
    expect(out).toContain('"helpUri": "https://example.org/rbx/docs/rules/unused-param.md"');
  });

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
