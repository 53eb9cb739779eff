// The interpreter end to end in process: order, when/guards, retries, expect, outputs, completion.

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  const header = (name: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ${name}, version: 1.0.0 }
`;

  describe("a run", () => {
    it("runs guards, phases and steps in order, skips on when, feeds outputs forward and journals it all", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "a.rb.yaml",
        `${header("order")}params:
  who: { type: string, default: world }
  extra: { type: bool, default: false }
guards:
  - that: params.who != ""
    message: who must not be empty
phases:
  - id: one
    steps:
      - id: first
        action: test.append
        with: { path: "${log}", line: "hello \${{ params.who }}" }
        expect:
          - that: output.count == 1
            message: "expected one line, found \${{ output.count }}"
      - id: optional
        action: test.append
        when: params.extra
        with: { path: "${log}", line: never }
  - id: two
    steps:
      - id: second
        action: test.append
        with: { path: "${log}", line: "after \${{ steps.first.output.count }} line(s)" }
      - id: readback
        action: test.read
        with: { path: "${log}" }
        expect:
          - that: output.lines == ["hello world", "after 1 line(s)"]
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(0);
      expect(r.status).toBe("completed");
      expect(readFileSync(log, "utf8")).toBe("hello world\nafter 1 line(s)\n");
      expect(await h.journal(r.runId as string)).toMatchSnapshot();
    });

    it("refuses to change anything when a runbook guard fails", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "g.rb.yaml",
        `${header("guarded")}params:
  target: { type: semver }
guards:
  - that: params.target != semver("0.0.0")
    message: "refusing to roll out \${{ string(params.target) }}"
phases:
  - id: one
    steps:
      - id: write
        action: test.append
        with: { path: "${log}", line: x }
`,
      );
      const r = await startRun(file, { cli: new Map([["target", "0.0.0"]]) }, undefined, h.opts());
      expect(r.exit).toBe(1);
      expect(r.status).toBe("failed");
      expect(() => readFileSync(log)).toThrow();
      expect(await h.journal(r.runId as string)).toMatchSnapshot();
    });

    it("retries with backoff until the action succeeds, then checks expect over the output", async () => {
      const counter = h.path("counter");
      const file = h.write(
        "r.rb.yaml",
        `${header("retrying")}phases:
  - id: one
    steps:
      - id: poll
        action: test.flaky
        with: { counter: "${counter}", succeedOn: 3 }
        retry: { attempts: 5, every: 20ms, backoff: 2, maxEvery: 30ms }
        expect:
          - that: output.attempt == 3
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(0);
      expect(readFileSync(counter, "utf8")).toBe("3");
      const j = await h.journal(r.runId as string);
      expect(
        j
          .filter((l) => l.startsWith("step.attempt-failed"))
          .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)).retryInMs),
      ).toEqual([20, 30]);
      expect(j).toMatchSnapshot();
    });

    it("polls with until over output and gives up after the attempts, failing the step", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "u.rb.yaml",
        `${header("until")}phases:
  - id: one
    steps:
      - id: wait
        action: test.read
        with: { path: "${log}" }
        retry: { attempts: 3, every: 10ms, until: output.count >= 2 }
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(1);
      const j = await h.journal(r.runId as string);
      expect(j.at(-2)).toContain("gave up after 3 attempts");
      expect(j).toMatchSnapshot();
    });

    it("halts before a step whose guard is false, and a failed expect reports its message template", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "h.rb.yaml",
        `${header("halting")}onFailure: halt
phases:
  - id: one
    steps:
      - id: check
        action: test.read
        with: { path: "${log}" }
        expect:
          - that: output.count > 0
            message: "the log has \${{ output.count }} lines, want some"
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(3);
      const j = await h.journal(r.runId as string);
      expect(j.some((l) => l.includes("the log has 0 lines, want some"))).toBe(true);
      expect(j.at(-1)).toMatch(/^run.halted .*"reason":"step-failed"/);
    });

    it("times out an attempt through its AbortSignal", async () => {
      const file = h.write(
        "t.rb.yaml",
        `${header("timeout")}phases:
  - id: one
    steps:
      - id: slow
        action: test.sleep
        with: { ms: 5000 }
        timeout: 50ms
`,
      );
      const started = Date.now();
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(Date.now() - started).toBeLessThan(4000);
      expect(r.exit).toBe(1);
      const j = await h.journal(r.runId as string);
      expect(j.find((l) => l.startsWith("step.failed"))).toContain('"kind":"timeout"');
    });

    it("runs a check suite in place", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "c.rb.yaml",
        `${header("checks")}checks:
  has-lines:
    - id: lines
      action: test.read
      with: { path: "${log}" }
      expect: [{ that: output.count == 1 }]
phases:
  - id: one
    steps:
      - id: write
        action: test.append
        with: { path: "${log}", line: a }
      - check: has-lines
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(0);
      expect(await h.journal(r.runId as string)).toMatchSnapshot();
    });
  });
});
