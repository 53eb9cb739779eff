// The run's view writes the lines it holds before the journal waits on its store (rbx run's plain lines).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { RunObserver } from "../../src/run/model/observer.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import type { FileRunStore } from "../../src/run/store/file-store.js";
import { Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.cleanup());

it("asks the view to flush before each journal flush, while the events it saw are not yet on disk", async () => {
  h = await Harness.create("file");
  const data = h.write("data.txt", "a\nb\n");
  const file = h.write(
    "reads.rb.yaml",
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: reads, version: 1.0.0 }
phases:
  - id: all
    steps:
      - { id: one, action: test.read, with: { path: "${data}" } }
      - { id: two, action: test.read, with: { path: "${data}" } }
`,
  );
  const store = h.store as FileRunStore;
  let seen = 0;
  let runId = "";
  const flushes: { seen: number; onDisk: number }[] = [];
  const view: RunObserver = {
    onEvent: (e) => {
      seen++;
      if (e.type === "run.started") runId = e.runId;
    },
    onProgress() {},
    onLog() {},
    flush() {
      const path = join(store.stateDir, "runs", `${runId}.jsonl`);
      const onDisk = readFileSync(path, "utf8")
        .split("\n")
        .filter((l) => l !== "").length;
      flushes.push({ seen, onDisk });
    },
    close() {},
  };
  const r = await startRun(file, { cli: new Map() }, undefined, h.opts({ observe: () => view }));
  expect(r.status).toBe("completed");
  // One flush before each step's start goes to disk (and the ones after), each with events the view saw first.
  expect(flushes.length).toBeGreaterThanOrEqual(2);
  for (const f of flushes) expect(f.seen).toBeGreaterThan(f.onDisk);
});
