// `rbx eval`: prints value and type, the caret diagnostic for a bad expression, and reads --vars files.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/commands/eval.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-eval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rbxEval(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await run(argv, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { NO_COLOR: "1" },
    cwd: dir,
  });
  return { code, out, err };
}

describe("rbx eval", () => {
  it("prints the value with its CEL type", async () => {
    expect(await rbxEval("1 + 3")).toEqual({ code: 0, out: "4 (int)\n", err: "" });
    expect((await rbxEval("'a,b'.split(',')")).out).toBe('["a", "b"] (list(string))\n');
    expect((await rbxEval("duration('90m') > duration('1h')")).out).toBe("true (bool)\n");
  });

  it("prints a caret diagnostic for an expression that does not compile", async () => {
    const r = await rbxEval("size(1, 2) +");
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "<expr>:1:13: error: unexpected end of the expression; expected an operand (a name, a literal or a parenthesised expression) [expr-syntax]\n1 | size(1, 2) +\n  |             ^\n",
    );
  });

  it("reads variables from JSON and YAML", async () => {
    writeFileSync(join(dir, "vars.json"), JSON.stringify({ steps: { health: { output: { status: 200 } } } }));
    writeFileSync(join(dir, "vars.yaml"), "target: 4.2.0\nrevisions: [3, 4]\n");
    expect((await rbxEval("--vars", "vars.json", "steps.health.output.status == 200")).out).toBe(
      "true (bool)\n",
    );
    expect((await rbxEval("--vars", "vars.yaml", "semver(target).minor() + revisions.max()")).out).toBe(
      "6 (int)\n",
    );
    const bad = await rbxEval("--vars", "vars.json", "steps.helth.output.status");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("'helth' is not a field of steps. Did you mean 'health'?");
  });

  it("reports an evaluation error and usage errors", async () => {
    expect(await rbxEval("1 / 0")).toEqual({ code: 1, out: "", err: "error: division by zero\n" });
    expect((await rbxEval()).code).toBe(2);
    expect((await rbxEval("--nope", "1")).code).toBe(2);
    expect((await rbxEval("--vars", "missing.json", "1")).code).toBe(2);
  });
});
