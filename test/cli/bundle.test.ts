// The bundle `npm run build` writes to dist/bundle/ is what bin/rbx.js runs, and it prints exactly what the tsc
// output in dist/src/cli/ prints: fixtures validated and linted both ways, schema, help, eval, graph and --version.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOnce, type RbxResult, rbx, repoRoot, runNode } from "./run-rbx.js";

const bundleMain = join(repoRoot, "dist", "bundle", "main.js");
const tscMain = join(repoRoot, "dist", "src", "cli", "main.js");

/** `main(args)` of one layout's entry module in a child process, the way bin/rbx.js calls it. */
function runEntry(entry: string, args: string[]): Promise<RbxResult> {
  const script = [
    'const { pathToFileURL } = await import("node:url");',
    "const [entry, ...args] = process.argv.slice(1);",
    "const { main } = await import(pathToFileURL(entry).href);",
    "process.exitCode = await main(args);",
  ].join("\n");
  return runNode(["--input-type=module", "-e", script, entry, ...args]);
}

/** The module URLs a `bin/rbx.js` run resolved (test/cli/trace-imports.mjs prints them on exit). */
async function importsOf(args: string[]): Promise<string[]> {
  const r = await rbx(args, { nodeArgs: ["--import", join(repoRoot, "test", "cli", "trace-imports.mjs")] });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(/IMPORTS (.*)\n$/.exec(r.stderr)?.[1] ?? "null") as string[];
}

beforeAll(() => {
  buildOnce();
}, 180_000);

describe("the bundled CLI", () => {
  it("is built by npm run build, no older than the tsc output it was made from", () => {
    expect(existsSync(bundleMain), "dist/bundle/main.js is missing: run `npm run build`").toBe(true);
    expect(statSync(bundleMain).mtimeMs).toBeGreaterThanOrEqual(statSync(tscMain).mtimeMs);
  });

  it("is what bin/rbx.js loads: dist/bundle/ chunks, none of dist/cli/", async () => {
    const urls = await importsOf(["validate", "--quiet", "runbooks"]);
    expect(urls).toContain(`file://${bundleMain}`);
    expect(urls.filter((u) => u.includes("/dist/src/cli/"))).toEqual([]);
    // yaml comes from the bundle's own chunk, not from node_modules' 70-odd files.
    expect(urls.some((u) => /\/dist\/bundle\/yaml-[^/]+\.js$/.test(u))).toBe(true);
    expect(urls.filter((u) => u.includes("/node_modules/yaml/"))).toEqual([]);
  });

  it("runs tools through its own chunks of execa (a few files, not ~100 from node_modules), loaded only when a step runs one", async () => {
    const dir = join(repoRoot, "dist", "bundle");
    const chunks = readdirSync(dir).filter((f) => f.endsWith(".js"));
    expect(chunks.some((f) => /^execa-[^/]+\.js$/.test(f))).toBe(true);
    for (const chunk of chunks) {
      const code = readFileSync(join(dir, chunk), "utf8");
      expect(code, chunk).not.toMatch(
        /\bfrom\s*["'](?:execa|cross-spawn)["']|\bimport\(\s*["']execa["']\s*\)/,
      );
    }
    const urls = await importsOf(["validate", "--quiet", "runbooks"]);
    expect(urls.filter((u) => /\/dist\/bundle\/execa-|\/node_modules\/execa\//.test(u))).toEqual([]);
  });

  it("prints package.json's version for --version and -V, through bin/rbx.js and through the bundle's main", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    expect(await rbx(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(await rbx(["-V"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(await runEntry(bundleMain, ["--version"])).toEqual({
      code: 0,
      stdout: `${version}\n`,
      stderr: "",
    });
  });

  const commands: [string, string[]][] = [
    ["validate of the product runbooks", ["validate", "runbooks"]],
    [
      "validate of the ok fixtures (made for a test catalog: type errors here)",
      ["validate", "test/fixtures/ok"],
    ],
    [
      "validate of every err fixture (YAML, schema, reference and type errors)",
      ["validate", "test/fixtures/err"],
    ],
    [
      "lint as SARIF, with the shipped rule pages and the version",
      ["lint", "--format", "sarif", "test/fixtures/ok"],
    ],
    ["lint of the err fixtures", ["lint", "test/fixtures/err"]],
    ["schema", ["schema"]],
    ["help", ["--help"]],
    ["help of a command", ["help", "validate"]],
    ["eval of an expression", ["eval", "size([1, 2]) + 3"]],
    ["graph of a runbook", ["graph", "test/fixtures/ok/kryton-upgrade.rb.yaml"]],
    ["an unknown command", ["valdate"]],
  ];

  it.each(commands)("prints what the tsc output prints: %s", async (_name, args) => {
    const [bundled, compiled] = await Promise.all([runEntry(bundleMain, args), runEntry(tscMain, args)]);
    expect(bundled).toEqual(compiled);
    expect(bundled.stdout.length + bundled.stderr.length).toBeGreaterThan(0);
  });

  it("finds the shipped rule pages and the schema from dist/bundle/", async () => {
    const sarif = await rbx(["lint", "--format", "sarif", "test/fixtures/err/tab-indentation.rb.yaml"]);
    const log = JSON.parse(sarif.stdout) as {
      runs: { tool: { driver: { rules: { id: string; helpUri?: string; help?: unknown }[] } } }[];
    };
    const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string })
      .version;
    const pages =
      log.runs[0]?.tool.driver.rules.filter((r) => r.helpUri?.endsWith(`/rules/${r.id}.md`)) ?? [];
    expect(pages.length).toBeGreaterThan(5);
    for (const r of pages) {
      expect(r.helpUri).toBe(`https://unpkg.com/rbx-runbooks@${version}/docs/rules/${r.id}.md`);
      expect((r.help as { markdown: string }).markdown).toBe(
        readFileSync(join(repoRoot, "docs", "rules", `${r.id}.md`), "utf8"),
      );
    }
    const schema = await rbx(["schema"]);
    expect(schema.stdout).toBe(readFileSync(join(repoRoot, "schema", "runbook.schema.json"), "utf8"));
  });
});
