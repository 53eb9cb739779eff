// `rbx lint --format sarif`: valid against the OASIS SARIF 2.1.0 schema, help links into this version's published
// docs (or --docs-url), rule metadata for every code rbx can report, and fingerprints that survive edits above.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { checkerCodes } from "../../src/check/codes.js";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { FINGERPRINT_KEY, formatSarifWith } from "../../src/lint/formatters/sarif.js";
import type { LintResult } from "../../src/lint/linter.js";
import { rules } from "../../src/lint/rules/index.js";
import { suppressionMeta } from "../../src/lint/suppressions.js";
import { PACKAGE_NAME, rbxPackage } from "../../src/package-root.js";
import { loaderCodes } from "../../src/parser/codes.js";
import { lintRulesOnly } from "./lint-helpers.js";
import { doc } from "./rule-tester.js";

const repo = rbxPackage().root;

// The OASIS SARIF 2.1.0 schema, kept in the repository with its provenance (test/data/sarif/README.md).
const schema = JSON.parse(
  readFileSync(new URL("../data/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
) as object;

interface Log {
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          helpUri: string;
          help: { text: string; markdown: string };
          properties: { tags: string[] };
        }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number };
        };
      }[];
    }[];
  }[];
}

const body = `params:
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
      - id: again
        action: helm.upgrade
        with: { release: kryton, chart: ./charts/kryton, atomic: true, timeout: 10m }
`;

/** Lint results of `text` as the file runbooks/t.rb.yaml, plus a checker code (not a lint rule). */
function resultsOf(text: string): LintResult[] {
  const diagnostics = lintRulesOnly(text);
  diagnostics.push({
    ...diagnostics[0]!,
    code: "type-mismatch",
    severity: "error",
    message: "a checker finding",
  });
  return [
    {
      file: "runbooks/t.rb.yaml",
      source: new SourceFile("runbooks/t.rb.yaml", text),
      diagnostics: diagnostics.map((d) => ({ ...d, span: { ...d.span, file: "runbooks/t.rb.yaml" } })),
    },
  ];
}

async function sarif(text: string, docsBaseUri?: string): Promise<Log> {
  const options = docsBaseUri ? { color: false, cwd: repo, docsBaseUri } : { color: false, cwd: repo };
  return JSON.parse(await formatSarifWith("0.1.0")(resultsOf(text), options)) as Log;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

describe("SARIF output", () => {
  it("validates against the OASIS SARIF 2.1.0 schema", async () => {
    const log = await sarif(doc(body));
    // Both packages are CommonJS; under NodeNext their classes sit on `.default`.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({
      name: "rbx",
      version: "0.1.0",
      informationUri: `https://www.npmjs.com/package/${PACKAGE_NAME}`,
    });
    expect(run.results.length).toBeGreaterThan(4);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    const secret = run.results.find((r) => r.ruleId === "secret-literal")!;
    expect(secret.level).toBe("error");
    expect(secret.locations[0]?.physicalLocation.artifactLocation.uri).toBe("runbooks/t.rb.yaml");
    expect(secret.locations[0]?.physicalLocation.region).toMatchObject({ startLine: 9, startColumn: 31 });
    // The finding names the kind of secret; the value itself never reaches the report.
    expect(JSON.stringify(run.results)).not.toContain("hunter2");
  });

  it("links every lint rule to this version's published page, with the page as help", async () => {
    const run = (await sarif(doc(body))).runs[0]!;
    const base = `https://unpkg.com/${PACKAGE_NAME}@0.1.0/docs/rules/`;
    for (const r of [...rules.map((x) => x.meta.id), ...suppressionMeta.map((m) => m.id)]) {
      const entry = run.tool.driver.rules.find((x) => x.id === r);
      expect(entry?.helpUri).toBe(`${base}${r}.md`);
      const page = readFileSync(join(repo, "docs", "rules", `${r}.md`), "utf8");
      expect(entry?.help.markdown).toBe(page);
      expect(entry?.fullDescription.text.length).toBeGreaterThan(20);
      expect(entry?.properties.tags).toContain("lint");
    }
  });

  it("gives every validator, checker and config code rule metadata with a help page that explains it", async () => {
    const run = (await sarif(doc(body))).runs[0]!;
    const codes = [...Object.keys(loaderCodes), ...Object.keys(checkerCodes), "invalid-config"];
    for (const code of codes) {
      const entry = run.tool.driver.rules.find((x) => x.id === code);
      expect(entry, code).toBeDefined();
      expect(entry!.shortDescription.text).toMatch(/^[A-Z].*\.$/);
      expect(entry!.help.markdown).toContain(`# ${code}`);
      // The link names a page of docs/ and a heading of it; the page lists the code in its table.
      const m = /^https:\/\/unpkg\.com\/rbx-runbooks@0\.1\.0\/docs\/([^#]+)#(.+)$/.exec(entry!.helpUri);
      expect(m, entry!.helpUri).not.toBeNull();
      const page = readFileSync(join(repo, "docs", m![1]!), "utf8");
      const anchors = [...page.matchAll(/^#+ (.*)$/gm)].map((h) => slug(h[1]!));
      expect(anchors).toContain(m![2]);
      if (code !== "invalid-config") expect(page).toContain(`| \`${code}\` |`);
    }
    const typeMismatch = run.tool.driver.rules.find((x) => x.id === "type-mismatch")!;
    expect(typeMismatch.properties.tags).toEqual(["checker"]);
    expect(run.tool.driver.rules.find((x) => x.id === "unknown-field")!.properties.tags).toEqual([
      "validate",
      "checker",
    ]);
  });

  it("lists a rule for every code the validator and checker source can emit", async () => {
    const listed = new Set((await sarif(doc(body))).runs[0]!.tool.driver.rules.map((r) => r.id));
    // Every kebab-case string literal of these folders is a code, but for the schema's definition names and
    // examples (base-schema.ts, whose names the messages refer to) and an encoding's name.
    const notCodes = new Set(["connection-http", "connection-kubernetes", "connection-postgres", "utf-8"]);
    const notCodeFiles = new Set([join(repo, "src/parser/schema/base-schema.ts")]);
    const files = (dir: string): string[] =>
      readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => join(e.parentPath, e.name));
    const found = new Set<string>();
    for (const f of [
      ...files("src/parser"),
      ...files("src/check"),
      ...files("src/expr"),
      join(repo, "src/lint/config.ts"),
    ].filter((f) => !notCodeFiles.has(f)))
      for (const m of readFileSync(f, "utf8").matchAll(/"([a-z]+(?:-[a-z0-9]+)+)"/g))
        if (!notCodes.has(m[1]!)) found.add(m[1]!);
    expect(found.size).toBeGreaterThan(30);
    expect([...found].filter((c) => !listed.has(c))).toEqual([]);
  });

  it("puts a fingerprint on every result that survives lines added above it", async () => {
    const before = (await sarif(doc(body))).runs[0]!.results;
    const shifted = (await sarif(doc(`# a comment\n# and another\n${body}`))).runs[0]!.results;
    const prints = before.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
    // Unique, even for the two identical upgrade steps' findings, and the same after the shift.
    expect(new Set(prints).size).toBe(prints.length);
    expect(shifted.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(prints);
    expect(shifted[0]!.locations[0]!.physicalLocation.region.startLine).toBe(
      before[0]!.locations[0]!.physicalLocation.region.startLine + 2,
    );
    // A changed flagged line is a different finding.
    const edited = (await sarif(doc(body.replace("hunter2@db.example", "hunter3@db.example")))).runs[0]!
      .results;
    const secretPrint = (rs: Log["runs"][0]["results"]) =>
      rs.find((r) => r.ruleId === "secret-literal")!.partialFingerprints[FINGERPRINT_KEY];
    expect(secretPrint(edited)).not.toBe(secretPrint(before));
  });

  it("follows --docs-url for every help link", async () => {
    const run = (await sarif(doc(body), "https://example.org/rbx/docs/rules")).runs[0]!;
    expect(run.tool.driver.rules.find((r) => r.id === "unused-param")?.helpUri).toBe(
      "https://example.org/rbx/docs/rules/unused-param.md",
    );
    expect(run.tool.driver.rules.find((r) => r.id === "yaml-syntax")?.helpUri).toBe(
      "https://example.org/rbx/docs/format.md#diagnostics",
    );
    expect(run.tool.driver.rules.find((r) => r.id === "type-mismatch")?.help.markdown).toContain(
      "(https://example.org/rbx/docs/expressions.md#errors-and-limits)",
    );
    for (const r of run.tool.driver.rules) expect(r.helpUri).toMatch(/^https:\/\/example\.org\/rbx\/docs\//);
  });
});
