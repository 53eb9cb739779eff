// A real `rbx run` of a tiny exec runbook that fails inside a boundary, then `rbx report` of its journal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-real-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runbook = `apiVersion: rbx/v1
kind: Runbook
metadata:
  name: tiny
  version: 1.0.0
phases:
  - id: prepare
    steps:
      - id: hello
        action: exec
        with: { program: echo, args: ["hello report"] }
  - id: change
    rollback:
      - id: undo
        action: exec
        with: { program: "true" }
    steps:
      - id: touch
        action: exec
        with: { program: touch, args: ["${join(dir, "marker")}"] }
      - id: broken
        action: exec
        with: { program: "false" }
onFailure: rollback
`;

async function cli(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await main(argv, { stdout, stderr, env: { PATH: process.env.PATH }, cwd: dir });
  return { code, out, err };
}

describe("report of a real run", () => {
  it("shows the steps the interpreter ran, the failure and the rollback", async () => {
    const file = join(dir, "tiny.rb.yaml");
    writeFileSync(file, runbook);
    const ran = await cli(["run", file, "--state-dir", join(dir, "state")]);
    expect(ran.code, ran.err).toBe(1);
    const r = await cli(["report", "last", "--state-dir", join(dir, "state"), "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as {
      outcome: string;
      phases: { id: string; steps: { id: string; status: string; action: string }[] }[];
      rollbacks: { trigger?: { step: string }; steps: { status: string; action: string }[] }[];
    };
    expect(report.outcome).toBe("rolled-back");
    expect(report.phases.map((p) => p.id)).toEqual(["prepare", "change"]);
    expect(report.phases[1]!.steps.map((s) => [s.id, s.status])).toEqual([
      ["touch", "succeeded"],
      ["broken", "failed"],
    ]);
    expect(report.rollbacks[0]!.trigger?.step).toBe("broken");
    expect(report.rollbacks[0]!.steps.map((s) => [s.action, s.status])).toEqual([["exec", "succeeded"]]);
    const md = await cli(["report", "last", "--state-dir", join(dir, "state")]);
    expect(md.out).toContain("failed and rolled back");
    expect(md.out).toContain("### Rollback of `change`");
  });
});
