// Through the real CLI: a param default computed from another param and a templated timeout, planned and run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startRbx } from "./cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-cli-tpl-"));
  writeFileSync(
    join(dir, "release.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: release, version: 1.0.0 }
params:
  targetVersion: { type: semver }
  chartVersion: { type: string, default: "\${{ string(params.targetVersion) }}" }
  migrationWait: { type: duration, default: 2m }
phases:
  - id: record
    steps:
      - id: note
        action: exec
        with: { program: tee, args: ["-a", "${join(dir, "chart.txt")}"], input: "\${{ params.chartVersion }}" }
        timeout: "\${{ params.migrationWait }}"
        retry: { attempts: 2, every: 1s, timeout: "\${{ params.migrationWait }}" }
`,
  );
});
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("templated param defaults and durations in the CLI", () => {
  it("plan prints the computed default and the resolved timeout", async () => {
    const plan = await startRbx(["plan", "release.rb.yaml", "--param", "targetVersion=3.2.0"], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("params: targetVersion=3.2.0 chartVersion=3.2.0 migrationWait=2m");
    expect(plan.stdout).toContain("retry 2 attempts, every 1s, within 2m");
    expect(plan.stdout).toContain("timeout 2m");
    expect(plan.stdout).not.toContain("${{");
    const json = await startRbx(
      ["plan", "release.rb.yaml", "--param", "targetVersion=3.2.0", "--param", "migrationWait=5s", "--json"],
      { cwd: dir },
    );
    const parsed = JSON.parse(json.stdout) as { phases: { steps: { timeout?: string }[] }[] };
    expect(parsed.phases[0]?.steps[0]?.timeout).toBe("5s");
  });

  it("run uses the computed default", async () => {
    const run = await startRbx(
      ["run", "release.rb.yaml", "--param", "targetVersion=4.0.1", "--state-dir", "s1"],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, "chart.txt"), "utf8")).toBe("4.0.1");
  });
});
