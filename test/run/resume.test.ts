// Resume: approvals, interruption, in-doubt steps (probe, verify, operator), changed documents, locks.

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approveStep } from "../../src/run/sessions/approve-step.js";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { recordingStore } from "../support/recording-store.js";
import { Harness, STORES } from "./harness.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  const head = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: resumable, version: 1.0.0 }
`;

  describe("approvals", () => {
    it("halts waiting for approval without a TTY or flag, and resume --approve continues, recording who", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "a.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: notes
        action: approve
        with: { prompt: "Read the CHANGELOG" }
      - id: after
        action: test.append
        with: { path: "${log}", line: "approved by \${{ steps.notes.output.approvedBy }}" }
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      expect(r).toMatchObject({ exit: 3, status: "halted" });
      const report = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog);
      expect(report.choices[0]?.command).toBe(`rbx resume ${r.runId} --approve notes`);
      const again = await resumeRun(r.runId as string, {}, h.opts());
      expect(again.exit).toBe(3);
      const ok = await resumeRun(
        r.runId as string,
        {},
        h.opts({ approve: new Set(["notes"]), user: "carol" }),
      );
      expect(ok.exit).toBe(0);
      expect(readFileSync(log, "utf8")).toBe("approved by carol\n");
      expect(await h.journal(r.runId as string)).toMatchSnapshot();
    });

    it("loads the runbook from the journal's first event before it reads the journal, and says the catalog's problem only after the journal's checks", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "a.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: notes
        action: approve
        with: { prompt: "Go on?" }
      - id: after
        action: test.append
        with: { path: "${log}", line: "done" }
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      const runId = r.runId as string;
      // The store's calls in order: the runbook's YAML parse is resume's peak of memory, so nothing of the
      // journal (its events, their folded state) may be held beside it.
      const calls: string[] = [];
      const store = recordingStore(h.store, calls);
      const broken = await resumeRun(
        runId,
        {},
        h.opts({ store, catalog: async () => ({ problem: "the project's actions do not load" }) }),
      );
      expect(broken.exit).toBe(2);
      expect(calls.indexOf("firstEvent")).toBeGreaterThanOrEqual(0);
      expect(calls.indexOf("read")).toBeGreaterThan(calls.indexOf("firstEvent"));
      expect(h.said.at(-1)).toBe("the project's actions do not load");
      calls.length = 0;
      const ok = await resumeRun(runId, {}, h.opts({ store, approve: new Set(["notes"]) }));
      expect(ok.exit).toBe(0);
      expect(calls.indexOf("document")).toBeLessThan(calls.indexOf("read"));
      expect(readFileSync(log, "utf8")).toBe("done\n");
    });

    it("asks on a terminal and records a decline as a failure", async () => {
      const file = h.write(
        "a.rb.yaml",
        `${head}onFailure: halt
phases:
  - id: one
    steps:
      - id: gate
        action: approve
        with: { prompt: "Go?" }
`,
      );
      const asked: string[] = [];
      const yes = await startRun(
        file,
        { cli: new Map() },
        undefined,
        h.opts({
          ask: async (q) => {
            asked.push(q);
            return "yes";
          },
        }),
      );
      expect(yes.exit).toBe(0);
      expect(asked[0]).toContain('Approve step "gate"?');
      expect((await h.journal(yes.runId as string)).find((l) => l.startsWith("approval.granted"))).toBe(
        'approval.granted {"step":"gate","by":"tester","via":"tty","actor":{"user":"tester","host":"<host>"}}',
      );
      const no = await startRun(file, { cli: new Map() }, undefined, h.opts({ ask: async () => "no" }));
      expect(no.exit).toBe(3);
      expect((await h.journal(no.runId as string)).find((l) => l.startsWith("step.failed"))).toContain(
        "approval-denied",
      );
    });
  });

  describe("approvers", () => {
    it("counts distinct approvers, never the starter under notStarter, from any operator", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "four-eyes.rb.yaml",
        `${head}phases:
- id: one
  steps:
    - id: gate
      action: approve
      with: { prompt: "Second pair of eyes", approvers: { min: 2, notStarter: true } }
    - id: after
      action: test.append
      with: { path: "${log}", line: "\${{ steps.gate.output.approvers.join(', ') }}" }
`,
      );
      const alice = await h.operator("alice");
      const bob = await h.operator("bob");
      const carol = await h.operator("carol");
      // The starter's own --approve does not count: the run halts waiting, saying why.
      const r = await startRun(
        file,
        { cli: new Map() },
        undefined,
        h.opts({ ...alice, approve: new Set(["gate"]) }),
      );
      expect(r).toMatchObject({ exit: 3, status: "halted" });
      const runId = r.runId as string;
      expect((await h.journal(runId)).find((l) => l.startsWith("run.halted"))).toContain(
        "started this run, and gate must be approved by someone else",
      );
      expect((await approveStep(runId, "gate", h.opts(alice))).exit).toBe(2);
      expect(h.said.at(-1)).toContain("started this run");
      expect((await approveStep(runId, "gate", h.opts(bob))).exit).toBe(0);
      expect(h.said.at(-1)).toContain("needs one more approver other than alice@");
      expect((await approveStep(runId, "gate", h.opts(bob))).exit).toBe(2);
      expect(h.said.at(-1)).toContain("has already approved gate");
      // One approver of two: the resume halts at the gate again.
      expect((await resumeRun(runId, {}, h.opts(alice))).exit).toBe(3);
      const ok = await resumeRun(runId, {}, h.opts({ ...carol, approve: new Set(["gate"]) }));
      expect(ok).toMatchObject({ exit: 0, status: "completed" });
      expect(readFileSync(log, "utf8")).toMatch(/^bob@\S+( as bob_\w+)?, carol@\S+( as carol_\w+)?\n$/);
      const granted = (await h.journal(runId)).filter((l) => l.startsWith("approval.granted"));
      expect(granted).toEqual([
        'approval.granted {"step":"gate","by":"bob","via":"approve","actor":{"user":"bob","host":"<host>"}}',
        'approval.granted {"step":"gate","by":"carol","via":"flag","actor":{"user":"carol","host":"<host>"}}',
      ]);
    });

    it("refuses to approve a step that needs none, or a run that is finished", async () => {
      const file = h.write(
        "plain.rb.yaml",
        `${head}phases:
- id: one
  steps:
    - id: gate
      action: approve
      with: { prompt: "Go?" }
    - id: after
      action: test.append
      with: { path: "${h.path("log.txt")}", line: x }
`,
      );
      const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
      const runId = r.runId as string;
      expect((await approveStep(runId, "after", h.opts())).exit).toBe(2);
      expect(h.said.at(-1)).toContain(
        'has no step "after" that waits for approval; its approval steps are: gate',
      );
      expect((await approveStep(runId, "gate", h.opts({ user: "dora" }))).exit).toBe(0);
      expect((await resumeRun(runId, {}, h.opts())).exit).toBe(0);
      expect((await approveStep(runId, "gate", h.opts())).exit).toBe(2);
      expect(h.said.at(-1)).toContain("is completed; there is nothing left to approve");
    });
  });

  describe("interruption", () => {
    it("aborts the running action, records interrupted, and resume runs the read step again", async () => {
      const file = h.write(
        "i.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: wait
        action: test.sleep
        with: { ms: 20000 }
`,
      );
      const controller = new AbortController();
      const started = h.opts({ signal: controller.signal, signalName: () => "SIGTERM" });
      const running = startRun(file, { cli: new Map() }, undefined, {
        ...started,
        onEvent: (e) => {
          if (e.type === "step.started") setTimeout(() => controller.abort(), 20);
        },
      });
      const r = await running;
      expect(r).toMatchObject({ exit: 130, status: "interrupted" });
      const j = await h.journal(r.runId as string);
      expect(j.at(-1)).toBe('run.interrupted {"step":"wait","signal":"SIGTERM"}');
      const again = new AbortController();
      const resumed = await resumeRun(
        r.runId as string,
        {},
        {
          ...h.opts({ signal: again.signal }),
          onEvent: (e) => {
            if (e.type === "step.started") setTimeout(() => again.abort(), 20);
          },
        },
      );
      expect(resumed.exit).toBe(130);
      const after = await h.journal(r.runId as string);
      const tail = after.slice(after.indexOf(j.at(-1) as string) + 1).map((l) => l.split(" ")[0]);
      expect(tail).toEqual(["run.resumed", "step.started", "run.interrupted"]);
    }, 30000);
  });

  describe("in-doubt write steps", () => {
    const interruptDuring = async (file: string) => {
      const controller = new AbortController();
      const r = await startRun(file, { cli: new Map() }, undefined, {
        ...h.opts({ signal: controller.signal }),
        onEvent: (e) => {
          if (e.type === "step.started") setTimeout(() => controller.abort(), 30);
        },
      });
      expect(r.exit).toBe(130);
      return r.runId as string;
    };

    it("settles by the action's probe: the write happened, so it is not repeated", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "p.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: write
        action: test.append
        with: { path: "${log}", line: once, holdMs: 10000 }
`,
      );
      const runId = await interruptDuring(file);
      const r = await resumeRun(runId, {}, h.opts());
      expect(r.exit).toBe(0);
      expect(readFileSync(log, "utf8")).toBe("once\n");
      expect(await h.journal(runId)).toMatchSnapshot();
    });

    it("settles by the verify: postcondition when it holds", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "v.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: write
        action: test.append-blind
        with: { path: "${log}", line: once, holdMs: 10000 }
        verify:
          action: test.read
          with: { path: "${log}" }
          expect: [{ that: '"once" in output.lines' }]
`,
      );
      const runId = await interruptDuring(file);
      const r = await resumeRun(runId, {}, h.opts());
      expect(r.exit).toBe(0);
      expect(readFileSync(log, "utf8")).toBe("once\n");
      const j = await h.journal(runId);
      expect(j.slice(-4)).toEqual([
        'step.verified {"step":"write","holds":true}',
        'step.succeeded {"step":"write","attempt":1,"output":null,"settledBy":"verify"}',
        'phase.completed {"phase":"one"}',
        "run.completed",
      ]);
    });

    it("halts with instructions when nothing can tell, and --settle redo runs it again", async () => {
      const log = h.path("log.txt");
      const file = h.write(
        "u.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: write
        action: test.append-blind
        with: { path: "${log}", line: again, holdMs: 10000 }
`,
      );
      const runId = await interruptDuring(file);
      const halted = await resumeRun(runId, {}, h.opts());
      expect(halted.exit).toBe(3);
      const report = await inspectRun(h.store, runId, h.dir, h.opts().catalog);
      expect(report.detail).toContain("write was started but never recorded as finished");
      expect(report.choices.map((c) => c.command)).toEqual([
        `rbx resume ${runId} --settle write=done`,
        `rbx resume ${runId} --settle write=redo`,
      ]);
      writeFileSync(file, readFileSync(file, "utf8").replace(", holdMs: 10000", ""));
      const refused = await resumeRun(runId, {}, h.opts({ settle: new Map([["write", "redo"]]) }));
      expect(refused.exit).toBe(2);
      expect(h.said.join("\n")).toContain("step write changed");
      const r = await resumeRun(
        runId,
        {},
        h.opts({ settle: new Map([["write", "redo"]]), acceptChanges: true }),
      );
      expect(r.exit).toBe(0);
      expect(readFileSync(log, "utf8")).toBe("again\nagain\n");
      const j = await h.journal(runId);
      expect(j.find((l) => l.includes('"changes"'))).toContain('"changes":["step write changed"]');
      expect(j).toContain(
        'step.probed {"step":"write","result":"not-done","reason":"operator said it did not happen"}',
      );
    });
  });

  describe("locks", () => {
    const file = () =>
      h.write(
        "l.rb.yaml",
        `${head}phases:
  - id: one
    steps:
      - id: write
        action: test.append
        with: { path: "${h.path("log.txt")}", line: x }
`,
      );

    it("refuses a second run on the same target, naming the holder", async () => {
      await h.store.lock(
        [{ key: "runbook-resumable", label: "runbook resumable" }],
        { runId: "other-run", pid: process.pid, host: hostname(), startedAt: "t" },
        false,
      );
      const r = await startRun(file(), { cli: new Map() }, undefined, h.opts());
      expect(r.exit).toBe(2);
      expect(h.said.join("\n")).toContain("locked by run other-run");
      expect(h.said.join("\n")).toContain("still running");
    });

    it("reports a stale lock and records --force-unlock in the journal", async () => {
      const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
      const pid = child.pid as number;
      await new Promise((resolve) => child.on("exit", resolve));
      await h.store.lock(
        [{ key: "runbook-resumable", label: "runbook resumable" }],
        { runId: "dead-run", pid, host: hostname(), startedAt: "t" },
        false,
      );
      const refused = await startRun(file(), { cli: new Map() }, undefined, h.opts());
      expect(refused.exit).toBe(2);
      // No journal and no process: the holder is really gone, so --force-unlock is the advice.
      expect(h.said.join("\n")).toContain("locked by run dead-run, which is gone");
      expect(h.said.join("\n")).toContain("pass --force-unlock");
      const r = await startRun(file(), { cli: new Map() }, undefined, h.opts({ forceUnlock: true }));
      expect(r.exit).toBe(0);
      expect((await h.journal(r.runId as string))[1]).toMatch(/^lock.forced .*"runId":"dead-run"/);
    });
  });
});
