// `rbx validate`, `rbx schema`, `--version` and `--help` through the built binary: output and exit codes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, rbx, repoRoot } from "./run-rbx.js";

let dir = "";

const valid = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: demo, version: 1.0.0 }
phases:
  - id: main
    steps:
      - id: ping
        action: http.check
        with: { url: "http://127.0.0.1:8080/healthz" }
`;

beforeAll(() => {
  buildOnce();
  dir = mkdtempSync(join(tmpdir(), "rbx-validate-"));
  writeFileSync(join(dir, "good.rb.yaml"), valid);
  writeFileSync(
    join(dir, "dup.rb.yaml"),
    `${valid}      - id: ping\n        action: http.check\n        with: { url: /x }\n`,
  );
  mkdirSync(join(dir, "nested", "deeper"), { recursive: true });
  writeFileSync(join(dir, "nested", "deeper", "also-good.rb.yml"), valid);
  writeFileSync(join(dir, "nested", "notes.yaml"), "not: a runbook\n");
  mkdirSync(join(dir, "empty"));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("rbx validate", () => {
  it("exits 0 and says so for valid runbooks", async () => {
    const r = await rbx(["validate", "good.rb.yaml"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "1 runbook valid\n", stderr: "" });
  });

  it("exits 1 and points at the exact line and column with a caret and a related note", async () => {
    const r = await rbx(["validate", "dup.rb.yaml"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'dup.rb.yaml:10:13: error: Duplicate step id "ping": rename one of the steps; step ids must be unique across the runbook [duplicate-step-id]',
        "10 |       - id: ping",
        "   |             ^~~~",
        'dup.rb.yaml:7:13: note: "ping" is first used here',
        "7 |       - id: ping",
        "  |             ^~~~",
        "1 error, 0 warnings in 1 of 1 runbook",
        "",
      ].join("\n"),
    );
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("searches directories recursively for *.rb.yaml and *.rb.yml only", async () => {
    const r = await rbx(["validate", "nested"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "1 runbook valid\n" });
    const all = await rbx(["validate", "--quiet", "."], { cwd: dir });
    expect(all.code).toBe(1);
    expect(all.stdout).toContain("dup.rb.yaml:10:13: error:");
    expect(all.stdout).not.toContain("runbook valid");
    expect(all.stdout).not.toContain("in 1 of 3");
  });

  it("validates the repository's runbooks clean", async () => {
    const r = await rbx(["validate", "runbooks"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ runbooks? valid\n$/);
  });

  it("exits 2 for a missing path, no path, an unknown option or a directory without runbooks", async () => {
    const missing = await rbx(["validate", "nope.rb.yaml"], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("nope.rb.yaml: no such file or directory");
    const none = await rbx(["validate"], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give at least one runbook file or directory");
    const option = await rbx(["validate", "--frobnicate", "good.rb.yaml"], { cwd: dir });
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option "--frobnicate"');
    const empty = await rbx(["validate", "empty"], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no *.rb.yaml or *.rb.yml files under empty");
  });

  it("prints its usage with --help", async () => {
    const r = await rbx(["validate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: rbx validate");
  });
});

describe("rbx schema, --version, --help", () => {
  it("prints the committed JSON Schema", async () => {
    const r = await rbx(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(repoRoot, "schema", "runbook.schema.json"), "utf8"));
    expect(JSON.parse(r.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect((await rbx(["schema", "extra"])).code).toBe(2);
  });

  it("prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    const r = await rbx(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("lists validate and schema in --help", async () => {
    const r = await rbx(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate\s+check runbooks/);
    expect(r.stdout).toMatch(/schema\s+print the runbook JSON Schema/);
  });

  it("loads neither ajv, yaml, chalk nor chevrotain for --version, --help or schema", async () => {
    for (const args of [["--version"], ["--help"], ["schema"]]) {
      const r = await rbx(args, {
        nodeArgs: ["--import", join(repoRoot, "test", "cli", "trace-imports.mjs")],
      });
      expect(r.code).toBe(0);
      const urls = JSON.parse(/IMPORTS (.*)\n$/.exec(r.stderr)?.[1] ?? "null") as string[];
      // bin/rbx.js answers --version itself; other commands start from the bundle's main (or dist/cli/main.js).
      if (args[0] !== "--version")
        expect(urls.some((u) => /\/dist\/(bundle|src\/cli)\/main\.js$/.test(u))).toBe(true);
      expect(
        urls.filter((u) =>
          /node_modules\/(ajv|yaml|chalk|chevrotain)\/|\/dist\/bundle\/(yaml|chalk)-/.test(u),
        ),
      ).toEqual([]);
    }
  });

  it("checks a valid runbook with the quick schema check alone; one that fails it gets the full validator's messages", async () => {
    const trace = async (file: string) => {
      const r = await rbx(["validate", file], {
        nodeArgs: ["--import", join(repoRoot, "test", "cli", "trace-imports.mjs")],
      });
      const urls = JSON.parse(/IMPORTS (.*)\n$/.exec(r.stderr)?.[1] ?? "null") as string[];
      const builtins = JSON.parse(/BUILTINS (.*)\n/.exec(r.stderr)?.[1] ?? "null") as string[];
      const loaded = (name: string) => urls.some((u) => u.endsWith(`/dist/src/parser/schema/${name}`));
      return {
        r,
        quick: loaded("runbook-check.generated.cjs"),
        full: loaded("runbook-validator.generated.cjs"),
        builtins,
      };
    };
    const good = await trace(join(dir, "good.rb.yaml"));
    expect(good.r.code, good.r.stderr).toBe(0);
    expect(good.r.stdout).toBe("1 runbook valid\n");
    expect([good.quick, good.full]).toEqual([true, false]);
    // Nor the built-ins that cost a cold start milliseconds each: the built-in actions' code imports them, and
    // only a run calls it.
    expect(good.builtins).not.toContain("node:crypto");
    expect(good.builtins).not.toContain("node:fs/promises");

    const bad = join(dir, "bad-shape.rb.yaml");
    writeFileSync(
      bad,
      valid.replace("version: 1.0.0 }", "version: 1.0.0, bogus: 1 }").replace("url:", "ur:"),
    );
    const failed = await trace(bad);
    expect(failed.r.code).toBe(1);
    expect([failed.quick, failed.full]).toEqual([true, true]);
    // Every error, as the full validator words it (the quick check stops at the first and keeps no message).
    expect(failed.r.stdout).toBe(
      [
        `${bad}:3:41: error: Unknown field "bogus" in metadata. Remove it; allowed here: name, version, product, summary, owners. [unknown-field]`,
        "3 | metadata: { name: demo, version: 1.0.0, bogus: 1 }",
        "  |                                         ^~~~~",
        `${bad}:9:9: error: The \`with:\` of http.check needs the field "url"; add it [missing-field]`,
        '9 |         with: { ur: "http://127.0.0.1:8080/healthz" }',
        "  |         ^~~~",
        `${bad}:9:17: error: Unknown field "ur" in the \`with:\` of http.check. Did you mean "url"? [unknown-field]`,
        '9 |         with: { ur: "http://127.0.0.1:8080/healthz" }',
        "  |                 ^~",
        "3 errors, 0 warnings in 1 of 1 runbook",
        "",
      ].join("\n"),
    );
  });

  it("loads chevrotain and builds its parser only when a command parses an expression", async () => {
    // The same trace sees chevrotain when validate meets the runbooks' expressions, so its absence above counts.
    const r = await rbx(["validate", "--quiet", "runbooks"], {
      nodeArgs: ["--import", join(repoRoot, "test", "cli", "trace-imports.mjs")],
    });
    expect(r.code, r.stderr).toBe(0);
    const urls = JSON.parse(/IMPORTS (.*)\n$/.exec(r.stderr)?.[1] ?? "null") as string[];
    expect(urls.filter((u) => u.includes("/node_modules/chevrotain/")).length).toBeGreaterThan(0);
  });
});
