// Param defaults computed from other params, and durations given as `${{ }}` templates: plan and run.

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRunbook } from "../../src/run/bind/bind-document.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  const head = (name: string, params: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ${name}, version: 1.0.0 }
params:
${params}`;

  describe("param defaults written as templates", () => {
    const file = () =>
      h.write(
        "defaults.rb.yaml",
        `${head(
          "defaults",
          `  label: { type: string, default: "v\${{ params.chartVersion }}" }
  targetVersion: { type: semver }
  chartVersion: { type: string, default: "\${{ string(params.targetVersion) }}" }
  baseWait: { type: duration, default: 1m }
  wait: { type: duration, default: "\${{ params.baseWait + duration('30s') }}" }
  replicas: { type: int, default: "\${{ size(params.label) }}" }
`,
        )}phases:
  - id: main
    steps:
      - id: note
        action: test.append
        with: { path: "${h.path("out.txt")}", line: "\${{ params.label }} \${{ params.wait }} \${{ params.replicas }}" }
`,
      );

    it("are evaluated over the given params, in dependency order, and the plan shows the values", () => {
      const plan = planRunbook(file(), { cli: new Map([["targetVersion", "3.2.0"]]) }, h.planOpts());
      expect(plan?.params).toEqual({
        label: "v3.2.0",
        targetVersion: "3.2.0",
        chartVersion: "3.2.0",
        baseWait: "1m",
        wait: "1m30s",
        replicas: 6,
      });
    });

    it("yield to a value given on the command line, and the defaults that read it follow", () => {
      const cli = new Map([
        ["targetVersion", "3.2.0"],
        ["chartVersion", "9.9.9-rc.1"],
      ]);
      const plan = planRunbook(file(), { cli }, h.planOpts());
      expect(plan?.params).toMatchObject({ label: "v9.9.9-rc.1", chartVersion: "9.9.9-rc.1", replicas: 11 });
    });

    it("reach the run and its journal", async () => {
      const r = await startRun(file(), { cli: new Map([["targetVersion", "3.2.0"]]) }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 0, status: "completed" });
      expect(readFileSync(h.path("out.txt"), "utf8")).toBe("v3.2.0 90s 6\n");
      const started = (await h.journal(r.runId as string)).find((l) => l.startsWith("run.started"));
      expect(started).toContain('"params":{"label":"v3.2.0","targetVersion":"3.2.0","chartVersion":"3.2.0"');
    });

    it("that do not fit the param's type stop the run before anything runs, naming the default", async () => {
      const bad = h.write(
        "bad.rb.yaml",
        `${head(
          "bad",
          `  name: { type: string, default: latest }
  chart: { type: semver, default: "\${{ params.name }}" }
`,
        )}phases:
  - id: main
    steps:
      - id: note
        action: test.append
        with: { path: "${h.path("never.txt")}", line: "\${{ params.chart }}" }
`,
      );
      const r = await startRun(bad, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(2);
      expect(r.runId).toBeUndefined();
      expect(h.said.join("\n")).toContain(
        'param "chart" must be a semantic version such as 1.4.0; got "latest" (from its default `${{ params.name }}`)',
      );
      expect(planRunbook(bad, { cli: new Map([["name", "2.0.0"]]) }, h.planOpts())?.params.chart).toBe(
        "2.0.0",
      );
    });

    it("that read a missing param say so next to the missing param's own error", () => {
      expect(planRunbook(file(), { cli: new Map() }, h.planOpts())).toBeUndefined();
      expect(h.said).toContain(
        'error: param "targetVersion" (semver) is required: give it with --param targetVersion=VALUE',
      );
      expect(h.said).toContain(
        'error: param "chartVersion" has no value: its default reads params.targetVersion, which has no value; giving targetVersion gives it one (or give it with --param chartVersion=VALUE)',
      );
    });
  });

  describe("durations written as templates", () => {
    const durations = (steps: string) =>
      h.write(
        "durations.rb.yaml",
        `${head(
          "durations",
          `  wait: { type: duration, default: 50ms }
  pause: { type: duration, default: "\${{ params.wait - duration('30ms') }}" }
  label: { type: string, default: soon }
`,
        )}phases:
  - id: main
    steps:
${steps}`,
      );

    it("cut an attempt off at the param's value", async () => {
      const file = durations(`      - id: slow
        action: test.sleep
        with: { ms: 5000 }
        timeout: "\${{ params.wait }}"
`);
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 1, status: "failed" });
      const failed = (await h.journal(r.runId as string)).find((l) => l.startsWith("step.failed"));
      expect(failed).toContain('"kind":"timeout"');
      expect(failed).toContain("slow did not finish within 50 ms");
    });

    it("space retries by the resolved every/maxEvery, and the plan shows resolved values", async () => {
      const file = durations(`      - id: poll
        action: test.flaky
        with: { counter: "${h.path("counter")}", succeedOn: 3 }
        timeout: "\${{ params.wait }}"
        retry:
          attempts: 3
          every: "\${{ params.pause }}"
          backoff: 2
          maxEvery: "\${{ duration('30ms') }}"
          timeout: "\${{ params.label == 'soon' ? '1s' : '2s' }}"
`);
      const plan = planRunbook(file, { cli: new Map() }, h.planOpts());
      const step = plan?.phases[0]?.steps[0];
      expect(step?.timeout).toBe("50ms");
      expect(step?.retry).toBe("3 attempts, every 20ms, backoff ×2, at most 30ms apart, within 1s");
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 0, status: "completed" });
      const waits = (await h.journal(r.runId as string))
        .filter((l) => l.startsWith("step.attempt-failed"))
        .map((l) => /"retryInMs":(\d+)/.exec(l)?.[1]);
      expect(waits).toEqual(["20", "30"]);
    });

    it("that are not durations fail the step with a clear message, never the run loop", async () => {
      const file = durations(`      - id: bad
        action: test.sleep
        with: { ms: 1 }
        timeout: "\${{ params.label }}"
`);
      const plan = planRunbook(file, { cli: new Map() }, h.planOpts());
      expect(plan?.phases[0]?.steps[0]?.timeout).toBe("${{ params.label }}");
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 1, status: "failed" });
      const failed = (await h.journal(r.runId as string)).find((l) => l.startsWith("step.failed"));
      expect(failed).toContain('"kind":"expression"');
      expect(failed).toContain(
        'timeout `${{ params.label }}`: \\"soon\\" is not a duration; write whole numbers with h, m, s or ms, largest first, e.g. 500ms, 30s, 1m30s, 2h',
      );
      expect(h.events.some((e) => e.type === "step.started")).toBe(false);
    });

    it("may read an earlier step's output; the plan then shows the template", async () => {
      const file = durations(`      - id: first
        action: test.flaky
        with: { counter: "${h.path("c1")}", succeedOn: 1 }
      - id: second
        action: test.sleep
        with: { ms: 5000 }
        timeout: "\${{ steps.first.output.attempt == 1 ? '40ms' : '10m' }}"
`);
      const plan = planRunbook(file, { cli: new Map() }, h.planOpts());
      expect(plan?.phases[0]?.steps[1]?.timeout).toBe(
        "${{ steps.first.output.attempt == 1 ? '40ms' : '10m' }}",
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 1, status: "failed" });
      const failed = (await h.journal(r.runId as string)).find((l) => l.startsWith("step.failed"));
      expect(failed).toContain("second did not finish within 40 ms");
    });
  });
});
