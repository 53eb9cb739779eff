// When the file journal's batch reaches the disk: written at once, synced on the thread pool, so a read step's
// request goes out while the disk syncs its start, and a write step starts only once its start is durable.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AnyAction, catalogOf, defineAction } from "../../src/contract/action.js";
import { T } from "../../src/contract/cel-types.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { JournalWriter, readJournalFile } from "../../src/run/store/journal-file.js";
import { Harness } from "./harness.js";
import { testCatalog } from "./test-actions.js";

/** The last event the head sidecar says is durable (0 before the first sync: the sidecar is still empty). */
const headSeq = (journal: string): number =>
  Number.parseInt(readFileSync(`${journal}.head`, "utf8") || "0", 10);

/** The seq of the last `step.started` written to the journal file (synced or not). */
function lastStarted(journal: string): number {
  const lines = readFileSync(journal, "utf8").split("\n").filter(Boolean);
  const started = lines
    .map((l) => JSON.parse(l) as { seq: number; type: string })
    .filter((e) => e.type === "step.started");
  return started.at(-1)?.seq ?? 0;
}

/** What the journal looks like on disk at the moment an action starts: its start written, and how far it is synced. */
function seenAt(effect: "read" | "write", name: string) {
  return defineAction<{ runs: string }, { started: number; durable: number }>({
    name,
    effect,
    summary: `${effect}: note how far the journal is on disk when it starts`,
    input: { type: "object", required: ["runs"], properties: { runs: { type: "string" } } },
    output: T.object(`${name}.output`, { started: T.int, durable: T.int }),
    plan: () => [{ kind: "note", text: "look at the journal" }],
    async run(_ctx, args) {
      const file = readdirSync(args.runs).find((f) => f.endsWith(".jsonl")) as string;
      const journal = join(args.runs, file);
      return { started: lastStarted(journal), durable: headSeq(journal) };
    },
  });
}

describe("the file journal's sync", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rbx-journal-sync-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a flushed batch at once and resolves once it is synced; the head follows the sync", async () => {
    const path = join(dir, "r.jsonl");
    const w = JournalWriter.create(path);
    w.append({ type: "guards.passed" });
    const first = w.flush();
    expect(first).toBeInstanceOf(Promise);
    // Written (a reader sees it), not yet synced: the head does not claim it.
    expect(readJournalFile(path).events).toHaveLength(1);
    expect(w.durableSeq).toBe(0);
    // A second batch while the first syncs is written at once, and synced after it.
    w.append({ type: "phase.entered", phase: "a", boundary: false });
    const second = w.flush();
    expect(readJournalFile(path).events).toHaveLength(2);
    await first;
    expect(w.durableSeq).toBeGreaterThanOrEqual(1);
    await second;
    expect(w.durableSeq).toBe(2);
    expect(headSeq(path)).toBe(2);
    expect(w.flush()).toBeUndefined();
    w.close();
    expect(readJournalFile(path).problems).toEqual([]);
  });

  it("close syncs what is in flight itself: everything is on disk when it returns", async () => {
    const path = join(dir, "r.jsonl");
    const w = JournalWriter.create(path);
    w.append({ type: "guards.passed" });
    const due = w.flush();
    w.append({ type: "phase.entered", phase: "a", boundary: false });
    w.close();
    expect(headSeq(path)).toBe(2);
    await due;
    const read = readJournalFile(path);
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => e.type)).toEqual(["guards.passed", "phase.entered"]);
  });
});

describe("a run on the file store", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create("file");
  });
  afterEach(() => h.cleanup());

  it("sends a read while its start syncs, and starts a write only once its start is on disk", async () => {
    const runs = join(h.dir, ".rbx", "runs");
    const file = h.write(
      "sync.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: sync, version: 1.0.0 }
phases:
  - id: one
    steps:
      - { id: r1, action: seen.read, with: { runs: "${runs}" } }
      - { id: w1, action: seen.write, with: { runs: "${runs}" } }
      - { id: r2, action: seen.read, with: { runs: "${runs}" } }
`,
    );
    const catalog = catalogOf([
      ...(testCatalog as readonly AnyAction[]),
      seenAt("read", "seen.read") as AnyAction,
      seenAt("write", "seen.write") as AnyAction,
    ]);
    const r = await startRun(file, { cli: new Map() }, undefined, h.opts({ catalog }));
    expect(r.status).toBe("completed");
    const read = await h.store.read(r.runId as string);
    expect(read.problems).toEqual([]);
    const outputs = new Map(
      read.events.flatMap((e) =>
        e.type === "step.succeeded" ? [[e.step, e.output as { started: number; durable: number }]] : [],
      ),
    );
    const startedSeq = (step: string) =>
      read.events.find((e) => e.type === "step.started" && e.step === step)?.seq;
    for (const step of ["r1", "w1", "r2"]) expect(outputs.get(step)?.started).toBe(startedSeq(step));
    // A read is safe to repeat: its start is written, and synced while it runs.
    expect(outputs.get("r1")?.durable).toBeLessThan(startedSeq("r1") as number);
    expect(outputs.get("r2")?.durable).toBeLessThan(startedSeq("r2") as number);
    // A write changes the world: it starts only once its start is durable.
    expect(outputs.get("w1")?.durable).toBeGreaterThanOrEqual(startedSeq("w1") as number);
    // Each step's outcome was recorded only after the start it followed was durable: the journal verifies whole.
    expect(read.events.at(-1)?.type).toBe("run.completed");
  });
});
