// `rbx lint` of many files on worker threads prints exactly what linting them in one thread prints: the same
// findings, for the same files, in the same order, whichever worker took which file.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, rbx, repoRoot } from "./run-rbx.js";

/** Runbooks with findings of every stage (YAML, schema, references, types, rules) and clean ones. */
function sources(): string[] {
  const err = join(repoRoot, "test", "fixtures", "err");
  const files = readdirSync(err)
    .filter((f) => f.endsWith(".rb.yaml"))
    .map((f) => join(err, f));
  const books = join(repoRoot, "runbooks");
  files.push(
    ...readdirSync(books)
      .filter((f) => f.endsWith(".rb.yaml"))
      .map((f) => join(books, f)),
  );
  return files;
}

describe("rbx lint on worker threads", () => {
  let dir = "";
  beforeAll(() => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), "rbx-lint-workers-"));
    const all = sources();
    // 30 files in each half: together past the worker threshold (24 per worker), each half below it.
    for (const half of ["a", "b"]) {
      mkdirSync(join(dir, half));
      for (let i = 0; i < 30; i++) {
        const from = all[(i * 7 + (half === "b" ? 3 : 0)) % all.length] as string;
        copyFileSync(from, join(dir, half, `f${String(i).padStart(2, "0")}-${half}.rb.yaml`));
      }
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lints 60 files on two cores or more (this thread and workers, one per core), and 30 in this thread alone", async () => {
    // The built module: its worker entry sits beside it there (the TypeScript source has none to start).
    const built = pathToFileURL(join(repoRoot, "dist", "src", "cli", "lint-pool.js")).href;
    const { workerCount } = (await import(built)) as typeof import("../../src/cli/lint-pool.js");
    expect(workerCount(30, 8)).toBe(0);
    expect(workerCount(60, 1)).toBe(0);
    // This thread lints as well: one worker for two threads, never a worker for a core that is already busy.
    expect(workerCount(60, 8)).toBe(1);
    expect(workerCount(1000, 2)).toBe(1);
    expect(workerCount(1000, 8)).toBe(7);
  });

  it("shows the line of a problem inside an imported check library, in this thread and on workers", async () => {
    // Its own directory: the halves above stay as they are for the next test.
    const lib = mkdtempSync(join(tmpdir(), "rbx-lint-library-"));
    mkdirSync(join(lib, "books"));
    writeFileSync(
      join(lib, "checks.rb.yaml"),
      `apiVersion: rbx/v1
kind: CheckLibrary
metadata: { name: web-checks, version: 1.0.0, summary: Checks every product repeats }
params:
  baseUrl: { type: url }
checks:
  ready:
    - id: readyz
      action: http.check
      with: { url: "\${{ params.baseUrl }}/readyz" }
      expect:
        - that: output.status == "two hundred"
`,
    );
    for (let i = 0; i < 60; i++)
      writeFileSync(
        join(lib, "books", `p${String(i).padStart(2, "0")}.rb.yaml`),
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: product${i}, version: 1.0.0 }
params:
  baseUrl: { type: url }
imports:
  - from: ../checks.rb.yaml
    version: 1.0.0
    checks: [ready]
phases:
  - id: verify
    steps:
      - check: ready
`,
      );
    const line = '12 |         - that: output.status == "two hundred"';
    try {
      for (const target of [join("books", "p00.rb.yaml"), "books"]) {
        const r = await rbx(["lint", "--no-config", target], { cwd: lib });
        expect(r.code).toBe(1);
        const shown = r.stdout.split("\n").filter((l) => l === line);
        expect(shown, r.stdout).toHaveLength(target === "books" ? 60 : 1);
      }
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });

  it("prints the same JSON for the whole directory as for each half linted in one thread", async () => {
    const lint = (target: string) => rbx(["lint", "--no-config", "--format", "json", target], { cwd: dir });
    const whole = await lint(".");
    const a = await lint("a");
    const b = await lint("b");
    expect(whole.code).toBe(a.code === 1 || b.code === 1 ? 1 : 0);
    const files = (out: string) => (JSON.parse(out) as { files: unknown[] }).files;
    expect(files(whole.stdout)).toHaveLength(60);
    expect(files(whole.stdout)).toEqual([...files(a.stdout), ...files(b.stdout)]);
  });
});
