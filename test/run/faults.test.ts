// The interpreter when a target falters: an unreachable target halts instead of a rollback that needs it (unless
// the runbook says onUnreachable: rollback), the cause of a halt is kept, a skipped step names its condition, an
// expression that cannot be evaluated is an expression error, and a finished step never speaks again.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../lab/postgres.js";
import { paint } from "../../src/progress/ansi.js";
import { describe as describeEvent } from "../../src/progress/describe.js";
import type { RunEvent } from "../../src/run/model/events.js";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.cleanup());

let server: Server;
let up: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"a":1}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  up = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A boundary whose check reaches `svc` and whose rollback writes through `svc` (or only to a file). */
async function runbook(opts: { rollbackThroughSvc: boolean; onUnreachable?: string; rollbackWhen?: string }) {
  const dead = `http://127.0.0.1:${await freePort()}`;
  return h.write(
    "u.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: u, version: 1.0.0 }
${opts.onUnreachable ? `onUnreachable: ${opts.onUnreachable}\n` : ""}params:
  notify: { type: bool, default: false }
connections:
  svc: { kind: http, baseUrl: "${dead}" }
  other: { kind: http, baseUrl: "${up}" }
phases:
  - id: upgrade
    rollback:
${
  opts.rollbackThroughSvc
    ? `      - action: test.post
${opts.rollbackWhen ? `        when: ${opts.rollbackWhen}\n` : ""}        with: { connection: svc, path: /undo }
`
    : ""
}      - action: test.append
        with: { path: "${h.path("undo.txt")}", line: undone }
    steps:
      - id: change
        action: test.append
        with: { path: "${h.path("log.txt")}", line: changed }
      - id: ready
        action: http.check
        with: { connection: svc, url: /readyz }
`,
  );
}

describe("a target that cannot be reached", () => {
  it("halts instead of starting a rollback whose writes need the same target, and says why", async () => {
    const r = await startRun(
      await runbook({ rollbackThroughSvc: true }),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    expect(r.status).toBe("halted");
    const journal = await h.journal(r.runId as string);
    expect(journal.some((l) => l.startsWith("rollback.started"))).toBe(false);
    const failed = journal.find((l) => l.startsWith("step.failed"));
    expect(failed).toContain('"code":"connection-refused","category":"unreachable"');
    const halted = journal.find((l) => l.startsWith("run.halted")) ?? "";
    expect(halted).toContain('"reason":"target-unreachable"');
    expect(halted).toContain("ready failed because connection svc cannot be reached");
    expect(halted).toContain(
      "No rollback was started: rollback:upgrade/0 (test.post) would need the same target",
    );
    const status = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog);
    expect(status.choices.map((c) => c.command)).toContain(`rbx rollback ${r.runId}`);
    expect(status.choices.map((c) => c.command)).toContain(`rbx resume ${r.runId}`);
  });

  it("rolls back as usual when the runbook says onUnreachable: rollback", async () => {
    const r = await startRun(
      await runbook({ rollbackThroughSvc: true, onUnreachable: "rollback" }),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    const journal = await h.journal(r.runId as string);
    expect(journal.some((l) => l.startsWith("rollback.started"))).toBe(true);
  });

  it("rolls back when the rollback does not need the unreachable target (or its step there would skip)", async () => {
    const plain = await startRun(
      await runbook({ rollbackThroughSvc: false }),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    expect(plain.status).toBe("rolled-back");
    const skipped = await startRun(
      await runbook({ rollbackThroughSvc: true, rollbackWhen: "params.notify" }),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    expect(skipped.status).toBe("rolled-back");
    const journal = await h.journal(skipped.runId as string);
    expect(journal).toContain(
      'step.skipped {"step":"rollback:upgrade/0","reason":"when","condition":"params.notify is false"}',
    );
  });
});

describe("the cause of a failure and of a skip", () => {
  it("a failed until keeps the output it read; a missing key is an expression error; a skip names its condition", async () => {
    const file = h.path("lines.txt");
    h.write("lines.txt", "a\nb\n");
    const path = h.write(
      "c.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: c, version: 1.0.0 }
params:
  method: { type: string, default: operator }
connections:
  other: { kind: http, baseUrl: "${up}" }
onFailure: halt
phases:
  - id: one
    steps:
      - id: helmOnly
        action: test.read
        when: params.method == "helm"
        with: { path: "${file}" }
      - id: missing
        action: http.check
        with: { url: /version }
        expect: [{ that: "output.json.nothere == 1" }]
`,
    );
    const r = await startRun(path, { cli: new Map() }, undefined, h.opts());
    expect(r.runId, h.said.join("\n")).toBeDefined();
    const journal = await h.journal(r.runId as string);
    expect(journal).toContain(
      'step.skipped {"step":"helmOnly","reason":"when","condition":"`params.method == \\"helm\\"` is false (params.method = \\"operator\\")"}',
    );
    const failed = journal.find((l) => l.startsWith("step.failed")) ?? "";
    expect(failed).toContain('"kind":"expression"');
    expect(failed).toContain("expect `output.json.nothere == 1` cannot be evaluated");
    expect(journal.some((l) => l.startsWith("assertion.failed"))).toBe(false);

    const waits = h.write(
      "w.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: w, version: 1.0.0 }
onFailure: halt
phases:
  - id: one
    steps:
      - id: pending
        action: test.read
        with: { path: "${file}" }
        retry: { until: "output.lines.size() == 0", every: 10ms, attempts: 2 }
`,
    );
    const w = await startRun(waits, { cli: new Map() }, undefined, h.opts());
    const last = (await h.journal(w.runId as string)).find((l) => l.startsWith("step.failed")) ?? "";
    expect(last).toContain(
      'until `output.lines.size() == 0` does not hold (output.lines = [\\"a\\",\\"b\\"])',
    );
    expect(last).toContain('"details":{"lastOutput":{"output.lines":["a","b"]}}');
    const status = await inspectRun(h.store, w.runId as string, h.dir, h.opts().catalog);
    expect(status.step?.cause).toEqual(['last output: output.lines = ["a","b"]']);
  });
});

describe("a finished step is silent", () => {
  it("a line an action says after its step timed out never reaches the view", async () => {
    const lines: string[] = [];
    const path = h.write(
      "l.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: l, version: 1.0.0 }
onFailure: halt
phases:
  - id: one
    steps:
      - id: talker
        action: test.late
        timeout: 200ms
        with: { lateMs: 600 }
`,
    );
    const log = { info: () => {}, warn: () => {}, progress: (m: string) => lines.push(m) };
    const r = await startRun(path, { cli: new Map() }, undefined, h.opts({ log }));
    expect(r.status).toBe("halted");
    await new Promise((done) => setTimeout(done, 800));
    expect(lines).toEqual(["early line"]);
  });
});

/** What the workload looks like after a bad deploy: one pod crash-looping, its log naming the cause. */
const crashing = {
  target: "deployment apps/web",
  pods: [
    {
      name: "web-1",
      phase: "Running",
      ready: false,
      restarts: 3,
      reason: "CrashLoopBackOff",
      message: "back-off 40s",
      lastExit: "exit 1 (Error)",
    },
    { name: "web-0", phase: "Running", ready: true, restarts: 0 },
  ],
  logs: [
    {
      pod: "web-1",
      container: "app",
      previous: true,
      lines: [
        "starting",
        'error migration failed: relation "public.folders" does not exist (key s3cr3t-k3y-value)',
      ],
    },
  ],
};

const keyEnv = { PATH: process.env.PATH, WEB_API_KEY: "s3cr3t-k3y-value" };

/** The terminal's lines for an event, uncoloured, as the live view and the plain log print them. */
function shown(e: RunEvent): string {
  return (
    describeEvent(e, {
      paint: paint(false),
      runId: "r",
      stepStart: () => undefined,
      attempts: () => 1,
    }) ?? ""
  );
}

describe("the cause of a halt: what the target looks like", () => {
  /** deploy, then a wait on what it changed that gives up; the deploy's diagnose tells what its pods look like. */
  function waitAfterDeploy(extraSteps = "") {
    return h.write(
      "d.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: d, version: 1.0.0 }
params:
  apiKey: { type: secret, from: env.WEB_API_KEY }
onFailure: halt
phases:
  - id: one
    steps:
      - id: deploy
        action: test.deploy
        with: { path: "${h.path("deployed.txt")}" }
      - id: migrations
        action: test.read
        with: { path: "${h.path("pending.txt")}" }
        retry: { until: "output.lines.size() == 0", every: 10ms, attempts: 2 }
${extraSteps}`,
    );
  }

  it("a wait that gives up carries the pods and log lines of the deploy it waited on, redacted, in the journal, the terminal and status", async () => {
    h.write("pending.txt", "0003_note_folders\n");
    h.write("deployed.txt.pods.json", JSON.stringify(crashing));
    const r = await startRun(waitAfterDeploy(), { cli: new Map() }, undefined, h.opts({ env: keyEnv }));
    expect(r.status, h.said.join("\n")).toBe("halted");
    const read = await h.store.read(r.runId as string);
    const failed = read.events.find((e) => e.type === "step.failed");
    if (failed?.type !== "step.failed") throw new Error("no step.failed");
    expect(failed.step).toBe("migrations");
    expect(failed.error.details).toMatchObject({
      lastOutput: { "output.lines": ["0003_note_folders"] },
      diagnosis: { target: "deployment apps/web", pods: [{ name: "web-1", reason: "CrashLoopBackOff" }, {}] },
    });
    const journal = await h.rawJournal(r.runId as string);
    expect(journal).not.toContain("s3cr3t-k3y-value");
    expect(journal).toContain('relation \\"public.folders\\" does not exist (key ***)');

    const lines = shown(failed).split("\n");
    expect(lines[0]).toMatch(/^✗ migrations failed after 2 attempts: until-not-met: /);
    expect(lines.slice(1)).toEqual([
      '    last output: output.lines = ["0003_note_folders"]',
      "    deployment apps/web:",
      "      pod web-1: Running, not ready, 3 restarts, CrashLoopBackOff (back-off 40s), last exit 1 (Error)",
      "      pod web-0: Running, ready",
      "      last log lines of web-1/app (previous run):",
      "        | starting",
      '        | error migration failed: relation "public.folders" does not exist (key ***)',
    ]);

    const status = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog);
    expect(status.step?.key).toBe("migrations");
    expect(status.step?.cause).toContain(
      "  pod web-1: Running, not ready, 3 restarts, CrashLoopBackOff (back-off 40s), last exit 1 (Error)",
    );
    expect(readFileSync(h.path("deployed.txt.asked"), "utf8")).toBe("asked\n");
  });

  it("pods that are all ready and never restarted are no cause: the failure stays as it was", async () => {
    h.write("pending.txt", "0003_note_folders\n");
    h.write("deployed.txt.pods.json", JSON.stringify({ ...crashing, pods: [crashing.pods[1]], logs: [] }));
    const r = await startRun(waitAfterDeploy(), { cli: new Map() }, undefined, h.opts({ env: keyEnv }));
    expect(r.status, h.said.join("\n")).toBe("halted");
    const failed = (await h.journal(r.runId as string)).find((l) => l.startsWith("step.failed")) ?? "";
    expect(existsSync(h.path("deployed.txt.asked"))).toBe(true);
    expect(failed).not.toContain("diagnosis");
    expect(failed).toContain('"details":{"lastOutput":{"output.lines":["0003_note_folders"]}}');
  });

  it("a step whose own target fails is diagnosed by its own action, unless the target did not answer", async () => {
    h.write("deployed.txt.pods.json", JSON.stringify(crashing));
    const runbook = (failCode: string) =>
      h.write(
        `${failCode}.rb.yaml`,
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ${failCode}, version: 1.0.0 }
onFailure: halt
phases:
  - id: one
    steps:
      - id: deploy
        action: test.deploy
        with: { path: "${h.path("deployed.txt")}", failCode: ${failCode} }
`,
      );
    const failedOf = async (id: string) => {
      const read = await h.store.read(id);
      const e = read.events.find((x) => x.type === "step.failed");
      if (e?.type !== "step.failed") throw new Error("no step.failed");
      return e.error;
    };
    const broken = await startRun(runbook("rollout-timeout"), { cli: new Map() }, undefined, h.opts());
    expect(broken.status).toBe("halted");
    expect((await failedOf(broken.runId as string)).details?.diagnosis).toMatchObject({
      target: "deployment apps/web",
    });
    expect(readFileSync(h.path("deployed.txt.asked"), "utf8")).toBe("asked\n");

    // The API refused: asking it again for its pods would only wait longer; the failure says what it is.
    const unreachable = await startRun(
      runbook("connection-refused"),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    expect(unreachable.status, h.said.join("\n")).toBe("halted");
    const error = await failedOf(unreachable.runId as string);
    expect(error.category).toBe("unreachable");
    expect(error.details).toBeUndefined();
    expect(readFileSync(h.path("deployed.txt.asked"), "utf8")).toBe("asked\n");
  });
});
