// The live view, the plain log and the NDJSON stream, fed the interpreter's journal events.
import { rmSync } from "node:fs";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { paint } from "../../src/progress/ansi.js";
import { createProgress } from "../../src/progress/create.js";
import { LineRenderer } from "../../src/progress/line-renderer.js";
import { TtyRenderer } from "../../src/progress/tty-renderer.js";
import { TaintRedactor } from "../../src/run/bind/taint-redactor.js";
import type { RunEvent } from "../../src/run/model/events.js";
import { stepLogger } from "../../src/run/sessions/step-logger.js";
import {
  approvalRun,
  haltedRun,
  rolledBackRun,
  type Timed,
  tempStateDir,
  writeJournal,
} from "../report/journals.js";

const dir = tempStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stream that keeps what was written; `isTTY`/`columns` say what kind of terminal it pretends to be. */
function capture(tty: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; text: () => string };
  let text = "";
  s.on("data", (d) => (text += d));
  s.isTTY = tty;
  s.columns = 100;
  s.text = () => text;
  return s;
}

const events = (id: string): RunEvent[] => writeJournal(dir, id, haltedRun(id));
const ESC = "\u001b[";

describe("plain lines (not a TTY)", () => {
  it("ends an unwinding with why it happened: a failure, or the operator's request", () => {
    const closing = (reason: "failure" | "operator", id: string) => {
      const out = capture(false);
      const r = new LineRenderer({ out, paint: paint(false) });
      const timed = rolledBackRun(id).map(([ms, body]): [number, typeof body] =>
        body.type === "rollback.started" && reason === "operator"
          ? [ms, { type: "rollback.started", reason, by: "ops", boundaries: body.boundaries }]
          : [ms, body],
      );
      for (const e of writeJournal(dir, id, timed)) r.onEvent(e);
      r.close();
      return out.text();
    };
    expect(closing("failure", "rb-failure")).toContain("✗ run rb-failure failed and was rolled back");
    const asked = closing("operator", "rb-operator");
    expect(asked).toContain("⟲ run rb-operator rolled back at the operator's request");
    expect(asked).not.toContain("failed and was rolled back");
  });

  it("prints one timestamped line per event, progress only when it changes, and the way out", () => {
    const out = capture(false);
    const r = new LineRenderer({ out, paint: paint(false), now: () => new Date("2025-05-01T10:00:01.500Z") });
    const list = events("plain");
    for (const e of list.slice(0, 11)) r.onEvent(e);
    r.onProgress("migrations", "2 of 5 migrations applied");
    r.onProgress("migrations", "2 of 5 migrations applied");
    r.onProgress("migrations", "3 of 5 migrations applied");
    for (const e of list.slice(11)) r.onEvent(e);
    r.close();
    const lines = out.text().trimEnd().split("\n");
    for (const l of lines) expect(l).toMatch(/^2025-05-01T10:00:\d\d\.\d{3}Z {2}/);
    const text = out.text();
    expect(text).not.toContain(ESC);
    expect(text).toContain(
      "2025-05-01T10:00:00.000Z  run plain: kryton-upgrade 3.2.0 (runbooks/kryton.rb.yaml) by ops@bastion-1",
    );
    expect(text).toContain("▸ phase upgrade (rollback boundary)");
    expect(text).toContain("✓ upgrade 29.7s");
    expect(text.match(/2 of 5 migrations applied/g)).toHaveLength(1);
    expect(text).toContain("migrations waiting for: 3 of 5 migrations applied");
    expect(text).toContain(
      "! migrations attempt 1 failed: assertion: 2 migrations pending; retrying in 5.0s",
    );
    expect(text).toContain("✗ migrations 6.9s failed after 2 attempts: action-error");
    expect(text).toContain("■ run plain halted (step-failed) at migrations");
    expect(text).toContain("rbx skip plain migrations --reason '<why it is already done>'");
    expect(text).toContain("rbx rollback plain");
  });
});

describe("live view (TTY)", () => {
  it("keeps running steps at the bottom with spinner, elapsed time, attempts and what they wait for", () => {
    const out = capture(true);
    const at = (ms: number) => Date.parse("2025-05-01T10:00:00.000Z") + ms;
    let now = at(40_000);
    const r = new TtyRenderer({
      out,
      paint: paint(false),
      tickMs: 0,
      now: () => now,
      maxAttempts: (s) => (s === "migrations" ? 5 : undefined),
    });
    const list = events("tty");
    // Up to the retry of migrations: attempt 2 is running.
    for (const e of list.slice(0, 15)) r.onEvent(e);
    r.onProgress("migrations", "3/5 replicas available");
    const afterProgress = out.text();
    const last = afterProgress.slice(afterProgress.lastIndexOf(ESC));
    expect(last).toMatch(
      /⠋ migrations {2}sql\.migrations {2}7\.9s {2}attempt 2\/5 {2}waiting for: 3\/5 replicas available\n$/,
    );
    // The redraw moves up over the one live line and clears it before drawing again.
    expect(afterProgress).toContain(`${ESC}1F${ESC}0J`);
    now = at(41_000);
    for (const e of list.slice(15)) r.onEvent(e);
    r.close();
    const text = out.text();
    expect(text).toContain("✗ migrations 6.9s failed after 2 attempts");
    // Finished steps scroll up as permanent lines; the run ends with no live line left.
    expect(text.endsWith("      rbx rollback tty\n")).toBe(true);
  });

  it("shows the wait before the next attempt and cuts lines to the terminal width", () => {
    const list = events("wait");
    const failedAt = Date.parse(list[13]!.at);
    const draw = (columns: number) => {
      const out = capture(true);
      out.columns = columns;
      const r = new TtyRenderer({ out, paint: paint(false), tickMs: 0, now: () => failedAt + 2_000 });
      for (const e of list.slice(0, 14)) r.onEvent(e);
      const text = out.text();
      r.close();
      return text.slice(text.lastIndexOf("⠋"), text.indexOf("\n", text.lastIndexOf("⠋")));
    };
    expect(draw(100)).toBe("⠋ migrations  sql.migrations  2.9s  next attempt in 3.0s");
    const narrow = draw(40);
    expect(narrow).toHaveLength(39);
    expect(narrow.endsWith("…")).toBe(true);
  });
});

describe("createProgress", () => {
  it("colours a terminal, but not under NO_COLOR", () => {
    const coloured = capture(true);
    const o1 = createProgress({ stdout: capture(true), stderr: coloured, env: {}, tickMs: 0 });
    const plain = capture(true);
    const o2 = createProgress({ stdout: capture(true), stderr: plain, env: { NO_COLOR: "1" }, tickMs: 0 });
    for (const e of events("colour").slice(0, 3)) {
      o1.onEvent(e);
      o2.onEvent(e);
    }
    o1.close();
    o2.close();
    expect(coloured.text()).toContain(`${ESC}32m`);
    expect(plain.text()).not.toContain(ESC);
  });

  it("--json: NDJSON events on stdout, redacted, and the human view on stderr", () => {
    const stdout = capture(false);
    const stderr = capture(false);
    const redactor = new TaintRedactor();
    redactor.addSecret("s3cr3t-pw");
    const o = createProgress({ stdout, stderr, env: {}, json: true, redactor });
    const list = events("json");
    for (const e of list.slice(0, 13)) o.onEvent(e);
    stepLogger(o, "migrations", redactor).progress("connecting with password s3cr3t-pw");
    for (const e of list.slice(13)) o.onEvent(e);
    o.close();
    const lines = stdout
      .text()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; seq?: number; message?: string });
    expect(lines.filter((l) => l.seq !== undefined).map((l) => l.seq)).toEqual(list.map((e) => e.seq));
    const progress = lines.find((l) => l.type === "step.progress");
    expect(progress?.message).toBe("connecting with password ***");
    expect(stdout.text()).not.toContain("s3cr3t-pw");
    expect(stderr.text()).not.toContain("s3cr3t-pw");
    expect(stderr.text()).toContain("■ run json halted");
    expect(stdout.text()).not.toContain("■");
  });
});

describe("createProgress for the CLI", () => {
  it("keeps stdout for scripts: the human view goes to stderr even without --json", () => {
    const stdout = capture(false);
    const stderr = capture(false);
    const o = createProgress({ stdout, stderr, env: {} });
    for (const e of events("route")) o.onEvent(e);
    o.close();
    expect(stdout.text()).toBe("");
    expect(stderr.text()).toContain("■ run route halted");
  });

  it("names a resumed run and lists the way out after it halts again, without repeating its history", () => {
    const id = "again";
    const history = writeJournal(dir, id, approvalRun(id));
    const last = history.at(-1) as RunEvent;
    const at = (ms: number) => new Date(Date.parse(last.at) + ms).toISOString();
    const more: RunEvent[] = [
      {
        type: "run.resumed",
        user: "ops",
        host: "bastion-2",
        pid: 7,
        seq: last.seq + 1,
        at: at(1000),
        prev: "p",
      },
      {
        type: "approval.requested",
        step: "notes",
        prompt: "read it",
        seq: last.seq + 2,
        at: at(1001),
        prev: "p",
      },
      {
        type: "run.halted",
        reason: "waiting-for-approval",
        step: "notes",
        message: "waiting for approval of notes",
        seq: last.seq + 3,
        at: at(1002),
        prev: "p",
      },
    ];
    for (const tty of [false, true]) {
      const stderr = capture(tty);
      const o = createProgress({
        stdout: capture(false),
        stderr,
        env: { NO_COLOR: "1" },
        history,
        stateDir: "st",
        tickMs: 0,
      });
      for (const e of more) o.onEvent(e);
      o.close();
      const text = stderr.text();
      expect(text).toContain(`run ${id} resumed by ops@bastion-2`);
      expect(text).toContain(`■ run ${id} halted (waiting-for-approval) at notes`);
      expect(text.match(/rbx resume again --approve notes --state-dir st/g)).toHaveLength(1);
      expect(text).not.toContain("guards passed");
    }
  });
});

describe("plain lines in a CI log: one line per event, repeats counted, a heartbeat", () => {
  const fail = (message: string) => ({ kind: "action-error" as const, message, retryable: true });
  const start = (attempt: number): Timed => [
    attempt * 1000,
    {
      type: "step.started",
      step: "health",
      phase: "verify",
      action: "http.check",
      effect: "read",
      attempt,
      args: {},
    },
  ];
  const failed = (attempt: number, message: string): Timed => [
    attempt * 1000 + 500,
    { type: "step.attempt-failed", step: "health", attempt, error: fail(message), retryInMs: 500 },
  ];
  const plainLines = (id: string, timed: Timed[]) => {
    const out = capture(false);
    const r = new LineRenderer({ out, paint: paint(false), heartbeatMs: 0 });
    for (const e of writeJournal(dir, id, timed)) r.onEvent(e);
    r.close();
    return out
      .text()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.replace(/^\S+Z {2}/, ""));
  };

  it("says identical failed attempts once, then how many failed the same way", () => {
    const a = "GET http://app/healthz answered 503, expected 200";
    const lines = plainLines("repeats", [
      [
        0,
        {
          type: "run.started",
          runId: "repeats",
          runbook: { name: "r", version: "1.0.0", file: "r.rb.yaml", contentHash: "h" },
          params: {},
          planHash: "p",
          user: "u",
          host: "h",
          pid: 1,
          locks: [],
        } as never,
      ],
      start(1),
      failed(1, a),
      start(2),
      failed(2, a),
      start(3),
      failed(3, a),
      start(4),
      failed(4, "connection refused"),
      start(5),
      [6000, { type: "step.succeeded", step: "health", attempt: 5, output: null }],
    ]);
    expect(lines.slice(1)).toEqual([
      "… health http.check",
      `! health attempt 1 failed: action-error: ${a}; retrying in 500ms`,
      "… health http.check attempt 2",
      "! health attempts 2-3 failed the same way",
      "! health attempt 4 failed: action-error: connection refused; retrying in 500ms",
      "… health http.check attempt 5",
      expect.stringMatching(/^✓ health \S+ after 5 attempts$/),
    ]);
  });

  it("on a terminal, says what a step waits for before it starts (recording helm's revision for the probe)", () => {
    const out = capture(true);
    const r = new TtyRenderer({ out, paint: paint(false), tickMs: 0 });
    // A write's `before` runs ahead of step.started: no live line is drawn for it yet, so the line is printed.
    r.onProgress(
      "rollback:upgrade/1",
      "recording the current revision of kryton (helm history), for the probe",
    );
    r.close();
    expect(out.text()).toContain(
      "  rollback:upgrade/1 waiting for: recording the current revision of kryton (helm history), for the probe\n",
    );
  });

  it("keeps an action's log and progress lines to one bounded line each", () => {
    const body = `<html>\n  <body>\n    <h1>502 Bad Gateway</h1>\n${"x".repeat(2000)}\n  </body>\n</html>\n`;
    const out = capture(false);
    const r = new LineRenderer({ out, paint: paint(false), heartbeatMs: 0 });
    r.onLog("health", "warn", `answered 502: ${body}`);
    r.onProgress("health", `waiting on\r\n${"y".repeat(500)}`);
    r.close();
    const lines = out
      .text()
      .split("\n")
      .filter((l) => l !== "");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(
      "health warning: answered 502: <html> ⏎ <body> ⏎ <h1>502 Bad Gateway</h1> ⏎ xxx",
    );
    expect(lines[0]?.endsWith("…")).toBe(true);
    expect(lines[1]).toContain("health waiting for: waiting on ⏎ yyy");
    for (const l of lines) expect(l.length).toBeLessThan(300);
  });

  it("with `coalesce`, writes one turn's lines at once, in order, and flushes them before anything else is said", async () => {
    const out = capture(false);
    const writes: string[] = [];
    const write = out.write.bind(out);
    out.write = ((chunk: string) => {
      writes.push(String(chunk));
      return write(chunk);
    }) as typeof out.write;
    const r = new LineRenderer({ out, paint: paint(false), heartbeatMs: 0, coalesce: true });
    const [s1, ok1, s2, ok2] = writeJournal(dir, "turns", [
      start(1),
      [1100, { type: "step.succeeded", step: "health", attempt: 1, output: null }],
      [
        1200,
        {
          type: "step.started",
          step: "ready",
          phase: "verify",
          action: "http.check",
          effect: "read",
          attempt: 1,
          args: {},
        },
      ],
      [1300, { type: "step.succeeded", step: "ready", attempt: 1, output: null }],
    ]) as RunEvent[];
    r.onEvent(s1 as RunEvent);
    await new Promise((res) => setImmediate(res));
    expect(writes).toHaveLength(1);
    // A step's log line, its end and the next step's start, in one turn: one write.
    r.onLog("health", "info", "GET http://127.0.0.1/health → 200 in 1 ms");
    r.onEvent(ok1 as RunEvent);
    r.onEvent(s2 as RunEvent);
    expect(writes).toHaveLength(1);
    await new Promise((res) => setImmediate(res));
    expect(writes).toHaveLength(2);
    expect(writes[1]?.split("\n").filter((l) => l !== "")).toHaveLength(3);
    // Someone else is about to write (the session's `say` flushes the view first): the held lines go first.
    r.onEvent(ok2 as RunEvent);
    r.flush();
    write("said\n");
    r.close();
    const lines = out
      .text()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.replace(/^\S+Z {2}/, ""));
    expect(lines).toEqual([
      "… health http.check",
      "  health GET http://127.0.0.1/health → 200 in 1 ms",
      "✓ health 100ms",
      "… ready http.check",
      "✓ ready 100ms",
      "said",
    ]);
  });

  it("prints a heartbeat while a step runs and the log is silent, and stops with the step", async () => {
    const out = capture(false);
    const r = new LineRenderer({ out, paint: paint(false), heartbeatMs: 60 });
    const [started, , succeeded] = writeJournal(dir, "beat", [
      start(1),
      [
        1100,
        { type: "step.attempt-failed", step: "health", attempt: 1, error: fail("503"), retryInMs: 60_000 },
      ],
      [1200, { type: "step.succeeded", step: "health", attempt: 1, output: null }],
    ]);
    r.onEvent(started as RunEvent);
    r.onProgress("health", "3/5 replicas available");
    await new Promise((res) => setTimeout(res, 200));
    const beats = out
      .text()
      .split("\n")
      .filter((l) => l.includes("still running"));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toMatch(
      /^\S+Z {2}… still running: health {2}http\.check {2}\S+ {2}waiting for: 3\/5 replicas available$/,
    );
    r.onEvent(succeeded as RunEvent);
    const after = out.text().length;
    await new Promise((res) => setTimeout(res, 200));
    expect(out.text().length).toBe(after);
    r.close();
  });
});
