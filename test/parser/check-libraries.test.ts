// Shared check libraries (`imports:`): suites and the params they need taken from a CheckLibrary at a pinned
// version, checked and linted as if written in place, with problems shown at their line of the library; a run
// records each library's version and hash.
import { mkdirSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkRunbook } from "../../src/check/check-runbook.js";
import { formatDiagnostic } from "../../src/diagnostics/format.js";
import { lintSource } from "../../src/lint/linter.js";
import { loadRunbook } from "../../src/parser/load.js";
import { prepareRunbook } from "../../src/run/bind/prepare.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "../run/harness.js";

const readText = (path: string): string => readFileSync(path, "utf8");

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

/** A library of checks over files (the test catalog's test.read), with the params they read. */
function library(version = "1.2.0", readyExpect = "output.count >= params.minLines"): void {
  mkdirSync(h.path("lib"), { recursive: true });
  h.write(
    "lib/checks.rb.yaml",
    `apiVersion: rbx/v1
kind: CheckLibrary
metadata: { name: file-checks, version: ${version}, summary: Checks every product runbook repeats }
params:
  logFile: { type: string, description: The file the product writes }
  minLines: { type: int, default: 1 }
  unrelated: { type: string }
checks:
  ready:
    - id: readyLines
      action: test.read
      with: { path: "\${{ params.logFile }}" }
      expect:
        - that: ${readyExpect}
    - check: deep
  deep:
    - id: deepLines
      action: test.read
      with: { path: "\${{ params.logFile }}" }
  unused:
    - id: other
      action: test.read
      with: { path: "\${{ params.unrelated }}" }
`,
  );
}

const runbook = (log: string, extra = "") => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: product, version: 1.0.0 }
imports:
  - from: ./lib/checks.rb.yaml
    version: 1.2.0
    checks: [ready]
${extra}phases:
  - id: upgrade
    rollback:
      - check: ready
    steps:
      - id: write
        action: test.append
        with: { path: "${log}", line: hello }
      - check: ready
`;

describe("a runbook importing checks", () => {
  it("gets the named suites, the suites they run, and only the params they need, from the library's lines", () => {
    library();
    const file = h.write("product.rb.yaml", runbook(h.path("log.txt")));
    const loaded = loadRunbook(file, readText(file), { catalog: h.catalog });
    expect(loaded.diagnostics).toEqual([]);
    const rb = loaded.runbook!;
    expect(rb.checks.map((c) => [c.name.value, c.from])).toEqual([
      ["ready", h.path("lib/checks.rb.yaml")],
      ["deep", h.path("lib/checks.rb.yaml")],
    ]);
    expect(rb.params.map((p) => [p.name.value, p.importedFrom, p.span.file, p.span.start.line])).toEqual([
      ["logFile", h.path("lib/checks.rb.yaml"), h.path("lib/checks.rb.yaml"), 5],
      ["minLines", h.path("lib/checks.rb.yaml"), h.path("lib/checks.rb.yaml"), 6],
    ]);
    expect(rb.libraries.map((l) => [l.name, l.version, l.checks, l.contentHash.length])).toEqual([
      ["file-checks", "1.2.0", ["ready", "deep"], 64],
    ]);
    expect(checkRunbook(rb, h.catalog, loaded.source)).toEqual([]);
  });

  it("reports a type error inside an imported suite at its line of the library, with that line shown", async () => {
    library("1.2.0", 'output.count >= "one"');
    const file = h.write("product.rb.yaml", runbook(h.path("log.txt")));
    const loaded = loadRunbook(file, readText(file), { catalog: h.catalog });
    const problems = checkRunbook(loaded.runbook!, h.catalog, loaded.source);
    expect(problems).toHaveLength(1);
    const d = problems[0]!;
    expect([d.span.file, d.span.start.line, d.span.start.column]).toEqual([
      h.path("lib/checks.rb.yaml"),
      14,
      30,
    ]);
    expect(
      formatDiagnostic(d, (f) => loaded.sources.get(f))
        .split("\n")
        .slice(1),
    ).toEqual(['14 |         - that: output.count >= "one"', "   |                              ^~~~~~~~"]);
    // lint sees the same, and its suppressions in the runbook do not reach the library's lines.
    const lint = await lintSource(file, readText(file), { catalog: h.catalog });
    expect(lint.diagnostics.filter((x) => x.severity === "error").map((x) => x.span.file)).toEqual([
      h.path("lib/checks.rb.yaml"),
    ]);
  });

  it("lints the imported suites as if written in place; a library alone is checked without unused-check", async () => {
    library();
    const file = h.write("product.rb.yaml", runbook(h.path("log.txt")));
    expect((await lintSource(file, readText(file), { catalog: h.catalog })).diagnostics).toEqual([]);
    const lib = h.path("lib/checks.rb.yaml");
    const alone = await lintSource(lib, readText(lib), { catalog: h.catalog });
    expect(alone.diagnostics.map((d) => d.code)).toEqual([]);
  });

  it("a run records the library's version and hash; a changed library is a changed document on resume", async () => {
    library();
    const file = h.write("product.rb.yaml", runbook(h.path("log.txt")));
    const before = prepareRunbook(file, h.dir, h.catalog);
    const r = await startRun(file, { cli: new Map([["logFile", h.path("log.txt")]]) }, undefined, h.opts());
    expect(r.status, (await h.journal(r.runId as string)).join("\n")).toBe("completed");
    const started = (await h.store.read(r.runId as string)).events[0];
    expect(started).toMatchObject({
      type: "run.started",
      imports: [
        {
          file: h.path("lib/checks.rb.yaml"),
          name: "file-checks",
          version: "1.2.0",
          checks: ["ready", "deep"],
        },
      ],
    });
    library("1.2.0", "output.count >= 1");
    const after = prepareRunbook(file, h.dir, h.catalog);
    expect(before.ok && after.ok && before.contentHash !== after.contentHash).toBe(true);
  });

  it("refuses to run a library itself", () => {
    library();
    const prepared = prepareRunbook(h.path("lib/checks.rb.yaml"), h.dir, h.catalog);
    expect(prepared).toMatchObject({ ok: false, message: expect.stringContaining("is a CheckLibrary") });
  });

  it("a library may not hold phases", () => {
    const lib = h.write(
      "bad-lib.rb.yaml",
      `apiVersion: rbx/v1
kind: CheckLibrary
metadata: { name: bad, version: 1.0.0 }
checks:
  c: [{ id: c, action: test.read, with: { path: x } }]
phases:
  - id: p
    steps: [{ id: s, action: test.read, with: { path: x } }]
`,
    );
    const loaded = loadRunbook(lib, readText(lib), { catalog: h.catalog });
    expect(
      loaded.diagnostics.map((d) => `${d.span.start.line} ${d.code} ${d.message.split(":")[0]}`),
    ).toEqual(['7 unknown-field "phases" has no place in a CheckLibrary']);
  });
});
