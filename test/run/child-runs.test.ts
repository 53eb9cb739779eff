// Runbooks that run runbooks: `run:` steps start child runs with their own journals, linked to the parent; a failed
// child stops the parent, whose rollback unwinds the children that moved, newest first; a stopped child is taken
// up again by resuming the parent. And the loader's checks of `run:` (missing file, params, cycles, placement).
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRunbook } from "../../src/parser/load.js";
import { foldReport } from "../../src/report/fold.js";
import { renderReport } from "../../src/report/render.js";
import { childVerbs } from "../../src/run/sessions/child-verbs.js";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { rollbackRun } from "../../src/run/sessions/rollback-run.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";

let h: Harness;

/** A product runbook: one boundary that appends "up NAME" and unwinds with "undo NAME"; `check` may fail. */
function product(): void {
  const log = h.path("log.txt");
  h.write(
    "product.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: product, version: 1.2.0 }
params:
  name: { type: string }
  counter: { type: string, default: "" }
  policy: { type: enum, values: [rollback, halt], default: rollback }
phases:
  - id: upgrade
    rollback:
      - action: test.append
        with: { path: "${log}", line: "undo \${{ params.name }}" }
    steps:
      - id: up
        action: test.append
        with: { path: "${log}", line: "up \${{ params.name }}" }
      - id: healthy
        action: test.flaky
        when: params.counter != ""
        with: { counter: "\${{ params.counter }}", succeedOn: 2 }
        onFailure: halt
`,
  );
}

/** The stack: products a then b, in that order, each phase a boundary; `b` may fail or halt. */
function stack(b: { counter?: string; halt?: boolean } = {}): string {
  product();
  const log = h.path("log.txt");
  const with_b = b.counter ? `, counter: "${b.counter}"` : "";
  return h.write(
    "stack.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: stack, version: 1.0.0 }
phases:
  - id: first
    rollback:
      - action: test.append
        with: { path: "${log}", line: "stack undo first" }
    steps:
      - id: a
        run: ./product.rb.yaml
        with: { name: a }
  - id: second
    rollback:
      - action: test.append
        with: { path: "${log}", line: "stack undo second" }
    steps:
      - id: b
        run: ./product.rb.yaml
        with: { name: b${with_b} }
      - id: after
        action: test.append
        with: { path: "${log}", line: "after \${{ steps.b.output.runbook }} \${{ steps.b.output.version }} \${{ steps.b.output.status }}" }
`,
  );
}

const log = () => readFileSync(h.path("log.txt"), "utf8").trim().split("\n");
const opts = () => h.opts({ children: childVerbs });

/** The parent's child.started events, and each child's run.started. */
async function children(runId: string) {
  const events = (await h.store.read(runId)).events.filter((e) => e.type === "child.started");
  const out: { step: string; runId: string; parent: unknown; status: string }[] = [];
  for (const e of events) {
    if (e.type !== "child.started") continue;
    const child = (await h.store.read(e.runId)).events;
    const started = child.find((c) => c.type === "run.started");
    const last = child.at(-1)?.type ?? "";
    out.push({
      step: e.step,
      runId: e.runId,
      parent: started?.type === "run.started" ? started.parent : undefined,
      status: last,
    });
  }
  return out;
}

describe.each(STORES)("a stack of child runs (%s store)", (kind) => {
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  it("runs the children in order, each with its own journal linked to the parent; outputs are typed", async () => {
    const r = await startRun(stack(), { cli: new Map() }, undefined, opts());
    expect(r.status, h.said.join("\n")).toBe("completed");
    expect(log()).toEqual(["up a", "up b", "after product 1.2.0 completed"]);
    const kids = await children(r.runId as string);
    expect(kids.map((k) => [k.step, k.parent, k.status])).toEqual([
      ["a", { runId: r.runId, step: "a" }, "run.completed"],
      ["b", { runId: r.runId, step: "b" }, "run.completed"],
    ]);
    expect(new Set(await h.store.list())).toEqual(new Set([r.runId, ...kids.map((k) => k.runId)]));
    // The parent's report names each child run, whose own report tells its steps.
    const report = foldReport((await h.store.read(r.runId as string)).events);
    const md = renderReport(report, "md");
    for (const k of kids) expect(md).toContain(`child run ${k.runId} (rbx report ${k.runId})`);
  });

  it("a child that fails rolls itself back; the parent stops there and unwinds what moved, newest first", async () => {
    h.write("counter", "");
    const file = stack({ counter: h.path("counter") });
    // b's check fails on its first try and halts b; make it roll back instead by failing for good.
    const failing = readFileSync(file, "utf8").replace(
      `counter: "${h.path("counter")}"`,
      'counter: "/nonexistent/dir/c"',
    );
    h.write("stack.rb.yaml", failing);
    const product = readFileSync(h.path("product.rb.yaml"), "utf8").replace(
      "onFailure: halt",
      "onFailure: rollback",
    );
    h.write("product.rb.yaml", product);
    const r = await startRun(file, { cli: new Map() }, undefined, opts());
    expect(r.status, h.said.join("\n")).toBe("rolled-back");
    expect(log()).toEqual(["up a", "up b", "undo b", "stack undo second", "undo a", "stack undo first"]);
    const kids = await children(r.runId as string);
    expect(kids.map((k) => [k.step, k.status])).toEqual([
      ["a", "run.rolled-back"],
      ["b", "run.rolled-back"],
    ]);
    const journal = await h.journal(r.runId as string);
    expect(journal.find((l) => l.startsWith("step.failed"))).toContain(
      "(product) rolled-back: healthy failed: ENOENT",
    );
    expect(journal.find((l) => l.startsWith("rollback.started"))).toContain(
      '"boundaries":["second","first"]',
    );
  });

  it("rolling back a completed stack unwinds every child, newest first", async () => {
    const r = await startRun(stack(), { cli: new Map() }, undefined, opts());
    expect(r.status).toBe("completed");
    const back = await rollbackRun(r.runId as string, {}, opts());
    expect(back.status, h.said.join("\n")).toBe("rolled-back");
    expect(log().slice(3)).toEqual(["undo b", "stack undo second", "undo a", "stack undo first"]);
  });

  it("a child that halts halts the parent; resuming the parent takes the same child up again", async () => {
    h.write("counter", "");
    const r = await startRun(stack({ counter: h.path("counter") }), { cli: new Map() }, undefined, opts());
    expect(r.status).toBe("halted");
    const parent = (await h.store.read(r.runId as string)).events;
    expect(parent.at(-1)).toMatchObject({ type: "run.halted", reason: "child-stopped", step: "b" });
    const first = await children(r.runId as string);
    expect(first.map((k) => [k.step, k.status])).toEqual([
      ["a", "run.completed"],
      ["b", "run.halted"],
    ]);
    const resumed = await resumeRun(r.runId as string, {}, opts());
    expect(resumed.status, h.said.join("\n")).toBe("completed");
    const again = await children(r.runId as string);
    expect(again.map((k) => [k.step, k.runId, k.status])).toEqual([
      ["a", first[0]?.runId, "run.completed"],
      ["b", first[1]?.runId, "run.completed"],
    ]);
    expect(log()).toEqual(["up a", "up b", "after product 1.2.0 completed"]);
  });

  it("a child inherits the lock its parent holds on a shared target, and takes its others itself", async () => {
    const log = h.path("log.txt");
    const conn = (name: string) =>
      `connections:\n  ${name}: { kind: http, baseUrl: "http://127.0.0.1:9/${name}" }\n`;
    h.write(
      "child.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: child, version: 1.0.0 }
${conn("shared")}  own: { kind: http, baseUrl: "http://127.0.0.1:9/own" }
phases:
  - id: p
    rollback: [{ action: test.append, with: { path: "${log}", line: undo } }]
    steps:
      - { id: a, action: test.append, with: { path: "${log}", line: shared, connection: shared } }
      - { id: b, action: test.append, with: { path: "${log}", line: own, connection: own } }
`,
    );
    const parent = h.write(
      "parent.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: parent, version: 1.0.0 }
${conn("shared")}phases:
  - id: p
    rollback: [{ action: test.append, with: { path: "${log}", line: undo, connection: shared } }]
    steps:
      - { id: first, action: test.append, with: { path: "${log}", line: parent, connection: shared } }
      - { id: kid, run: ./child.rb.yaml }
`,
    );
    const r = await startRun(parent, { cli: new Map() }, undefined, opts());
    expect(r.status, h.said.join("\n")).toBe("completed");
    const [kid] = await children(r.runId as string);
    const started = (await h.store.read(kid?.runId as string)).events[0];
    if (started?.type !== "run.started") throw new Error("no start");
    const parentKeys = (await h.store.read(r.runId as string)).events[0];
    if (parentKeys?.type !== "run.started") throw new Error("no start");
    const shared = parentKeys.locks.find((k) => k.label.includes("shared"))?.key;
    expect(shared).toBeDefined();
    expect(started.inherited).toEqual([shared]);
    expect(started.locks.map((k) => k.key).sort()).toEqual(
      [shared, started.locks.find((k) => k.label.includes("own"))?.key].sort(),
    );
    // Every lock was released at the end: the parent's and the one the child took.
    expect(await h.store.holders(started.locks)).toEqual([]);
  });

  it("a child stops before its next write once its parent's locks were forced away, and so does the parent", async () => {
    const path = h.path("log.txt");
    const conn = (name: string) => `  ${name}: { kind: http, baseUrl: "http://127.0.0.1:9/${name}" }\n`;
    h.write(
      "child.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: child, version: 1.0.0 }
connections:
${conn("shared")}${conn("own")}phases:
  - id: p
    rollback: [{ action: test.append, with: { path: "${path}", line: undo } }]
    steps:
      - { id: a, action: test.append, with: { path: "${path}", line: shared, connection: shared, holdMs: 1500 } }
      - { id: b, action: test.append, with: { path: "${path}", line: own, connection: own } }
`,
    );
    const parent = h.write(
      "parent.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: parent, version: 1.0.0 }
connections:
${conn("shared")}phases:
  - id: p
    rollback: [{ action: test.append, with: { path: "${path}", line: undo, connection: shared } }]
    steps:
      - { id: kid, run: ./child.rb.yaml }
      - { id: after, action: test.append, with: { path: "${path}", line: after, connection: shared } }
`,
    );
    // Another run takes the shared target with --force-unlock while the child works under its parent's lock.
    const thief = h.write(
      "thief.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: thief, version: 1.0.0 }
connections:
${conn("shared")}phases:
  - id: p
    steps:
      - { id: t, action: test.append, with: { path: "${h.path("thief.txt")}", line: took, connection: shared } }
`,
    );
    const running = startRun(parent, { cli: new Map() }, undefined, opts());
    for (let i = 0; i < 300 && !h.events.some((e) => e.type === "step.started" && e.step === "a"); i++)
      await new Promise((r) => setTimeout(r, 10));
    const took = await startRun(thief, { cli: new Map() }, undefined, h.opts({ forceUnlock: true }));
    expect(took, h.said.join("\n")).toMatchObject({ exit: 0, status: "completed" });
    const r = await running;
    expect(r.exit, h.said.join("\n")).toBe(3);
    // Neither the child's next write nor the parent's ran.
    expect(log()).toEqual(["shared"]);
    const [kid] = await children(r.runId as string);
    const kidJournal = await h.journal(kid?.runId as string);
    expect(kidJournal.some((l) => l.startsWith('step.started {"step":"b"'))).toBe(false);
    expect(kidJournal.at(-1)).toMatch(/^run\.fenced \{.*"reason":".*(no longer held|taken over).*"/);
    const parentJournal = await h.journal(r.runId as string);
    expect(parentJournal.some((l) => l.startsWith('step.started {"step":"after"'))).toBe(false);
  });

  it("without child verbs a run: step fails instead of running anything", async () => {
    const r = await startRun(stack(), { cli: new Map() }, undefined, h.opts());
    expect(r.status).toBe("rolled-back");
    expect((await h.journal(r.runId as string)).join("\n")).toContain(
      "this session cannot run child runbooks",
    );
  });
});

describe("the loader's checks of run: steps", () => {
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.cleanup());

  const load = (text: string) =>
    loadRunbook(h.path("stack.rb.yaml"), text, { catalog: h.catalog }).diagnostics.map(
      (d) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`,
    );
  const head = "apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: stack, version: 1.0.0 }\nphases:\n";

  it("finds the child and its params: a missing file, an unknown or a missing param", () => {
    product();
    expect(
      load(`${head}  - id: p
    rollback: [{ action: test.read, with: { path: x } }]
    steps:
      - id: a
        run: ./nope.rb.yaml
      - id: b
        run: ./product.rb.yaml
        with: { nmae: b }
`),
    ).toEqual([
      `9:14 child-not-found: cannot read ${h.path("nope.rb.yaml")}: it does not exist (ENOENT); the path is relative to this runbook's folder`,
      "11:14 missing-child-param: ./product.rb.yaml requires name; give it under `with:`",
      '12:17 unknown-child-param: ./product.rb.yaml has no param "nmae". Did you mean "name"?',
    ]);
  });

  it("refuses a runbook that runs itself through its children", () => {
    h.write(
      "loop.rb.yaml",
      `${head}  - id: p\n    rollback: [{ action: test.read, with: { path: x } }]\n    steps:\n      - id: s\n        run: ./stack.rb.yaml\n`,
    );
    const text = `${head}  - id: p\n    rollback: [{ action: test.read, with: { path: x } }]\n    steps:\n      - id: l\n        run: ./loop.rb.yaml\n`;
    h.write("stack.rb.yaml", text);
    expect(load(text)).toEqual([
      "9:14 child-cycle: Runbooks run each other in a circle (stack.rb.yaml → loop.rb.yaml → stack.rb.yaml): a runbook may not run itself, directly or through its children",
    ]);
  });

  it("keeps run: in a boundary phase's steps, without retry, timeout or verify", () => {
    product();
    expect(
      load(`${head}  - id: p
    steps:
      - id: a
        run: ./product.rb.yaml
        with: { name: a }
        timeout: 5m
checks:
  c:
    - id: inner
      run: ./product.rb.yaml
      with: { name: c }
`),
    ).toEqual([
      "8:14 run-needs-boundary: Phase p runs ./product.rb.yaml but is not a rollback boundary: add `rollback:` to it (a check that the product is back, at least); rolling the phase back unwinds the child run first",
      "10:18 run-placement: `timeout:` does not apply to a `run:` step: the child runbook's own steps carry their retries, timeouts and verifications; remove it",
      "14:12 run-placement: A runbook cannot be run from a check suite: a child run changes things and is undone by unwinding it; run it from a phase's steps",
    ]);
  });
});
