// The journal on disk: hash chain, tamper and truncation detection, torn last line, file mode.
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalWriter, readFirstEvent, readJournalFile } from "../../src/run/store/journal-file.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-journal-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeThree(path: string): void {
  const w = JournalWriter.create(path);
  w.append({ type: "guards.passed" });
  w.append({ type: "phase.entered", phase: "a", boundary: false });
  w.flush();
  w.append({ type: "phase.completed", phase: "a" });
  w.close();
}

describe("journal file", () => {
  it("writes hash-chained JSON lines with mode 0600 and reads them back verified", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const read = readJournalFile(path);
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => [e.seq, e.type])).toEqual([
      [1, "guards.passed"],
      [2, "phase.entered"],
      [3, "phase.completed"],
    ]);
    expect(read.events[0]?.prev).toMatch(/^0{64}$/);
    expect(read.events[1]?.prev).not.toBe(read.events[0]?.prev);
  });

  it("reads the first event alone, over chunk boundaries, and nothing from a file without a whole first line", () => {
    const path = join(dir, "r.jsonl");
    const w = JournalWriter.create(path);
    // A first line longer than one 64 KB read, with a multi-byte character across the boundary.
    w.append({ type: "phase.entered", phase: `${"p".repeat(65_535)}é`, boundary: false });
    w.append({ type: "guards.passed" });
    w.close();
    const first = readFirstEvent(path);
    expect(first?.seq).toBe(1);
    expect(first?.type === "phase.entered" && first.phase).toBe(`${"p".repeat(65_535)}é`);
    expect(first).toEqual(readJournalFile(path).events[0]);
    expect(readFirstEvent(path, 1000)).toBeUndefined();
    expect(readFirstEvent(join(dir, "missing.jsonl"))).toBeUndefined();
    const torn = join(dir, "torn.jsonl");
    writeFileSync(torn, '{"seq":1,"type":"run.sta');
    expect(readFirstEvent(torn)).toBeUndefined();
    writeFileSync(torn, "not json\n");
    expect(readFirstEvent(torn)).toBeUndefined();
  });

  it("detects an edited line", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace('"phase":"a","boundary":false', '"phase":"b","boundary":false'),
    );
    const read = readJournalFile(path);
    expect(read.problems.map((p) => [p.kind, p.seq])).toEqual([["tampered", 3]]);
    expect(read.events).toHaveLength(2);
  });

  it("detects a removed line in the middle", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    const lines = readFileSync(path, "utf8").split("\n");
    writeFileSync(path, [lines[0], lines[2], ""].join("\n"));
    expect(readJournalFile(path).problems.map((p) => p.kind)).toEqual(["out-of-order"]);
  });

  it("detects a journal cut short after the fact through the head record", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    const text = readFileSync(path, "utf8");
    const lastLine = text.slice(0, -1).lastIndexOf("\n") + 1;
    truncateSync(path, lastLine);
    const read = readJournalFile(path);
    expect(read.problems.map((p) => p.kind)).toEqual(["truncated"]);
    expect(read.problems[0]?.message).toContain("ends at event 2 but event 3 was written");
  });

  it("ignores a torn last line, and reopening cuts it off and continues the chain", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    appendFileSync(path, '{"seq":4,"at":"2025-01-01T00:00:00.000Z","prev":"ab');
    const read = readJournalFile(path);
    expect(read.problems).toEqual([]);
    expect(read.tornBytes).toBeGreaterThan(0);
    expect(read.events).toHaveLength(3);
    const w = JournalWriter.reopen(path, read);
    w.append({ type: "run.completed" });
    w.close();
    const again = readJournalFile(path);
    expect(again.problems).toEqual([]);
    expect(again.tornBytes).toBe(0);
    expect(again.events.map((e) => e.type)).toEqual([
      "guards.passed",
      "phase.entered",
      "phase.completed",
      "run.completed",
    ]);
  });

  it("appends after non-ASCII text at the right byte, also after cutting a torn line", () => {
    const path = join(dir, "r.jsonl");
    const w = JournalWriter.create(path);
    w.append({ type: "phase.entered", phase: "größe — 升级 🚀", boundary: false });
    w.close();
    appendFileSync(path, '{"seq":2,"at":"2025-01-01T00:00:00.000Z","prev":"ab');
    const torn = readJournalFile(path);
    expect(torn.problems).toEqual([]);
    expect(torn.tornBytes).toBe(Buffer.byteLength('{"seq":2,"at":"2025-01-01T00:00:00.000Z","prev":"ab'));
    const again = JournalWriter.reopen(path, torn);
    again.append({ type: "phase.completed", phase: "größe — 升级 🚀" });
    again.close();
    const resumed = JournalWriter.reopen(path, readJournalFile(path));
    resumed.append({ type: "run.completed" });
    resumed.close();
    const read = readJournalFile(path);
    expect(read.problems).toEqual([]);
    expect(read.tornBytes).toBe(0);
    expect(read.events.map((e) => e.type)).toEqual(["phase.entered", "phase.completed", "run.completed"]);
  });

  it("refuses to create over an existing journal", () => {
    const path = join(dir, "r.jsonl");
    writeThree(path);
    expect(() => JournalWriter.create(path)).toThrow(/EEXIST/);
  });
});
