// The crash test: SIGKILL a real `rbx run` at every journal boundary (and once mid-write), then resume:
// every write happens exactly once, the journal verifies, and the run completes.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldEvents } from "../../src/run/model/state.js";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { killAll, startRbx } from "./cli.js";

let root: string;
let server: Server;

// The postcondition service: GET /has/<run dir>/<line> answers 200 when the line is in that run's file.
function startServer(): Promise<number> {
  server = createServer((req, res) => {
    const [, , dir, line] = (req.url ?? "").split("/");
    const file = join(root, dir ?? "", "out.txt");
    const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
    res.statusCode = lines.includes(decodeURIComponent(line ?? "")) ? 200 : 404;
    res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "rbx-crash-"));
  const port = await startServer();
  const step = (i: number) => `      - id: s${i}
        action: exec
        with: { program: tee, args: ["-a", "\${{ params.out }}"], input: "line-${i}\\n" }
        verify:
          action: http.check
          with: { url: "http://127.0.0.1:${port}/has/\${{ params.run }}/line-${i}", expect: { status: 200 } }
`;
  writeFileSync(
    join(root, "ten.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ten-writes, version: 1.0.0 }
params:
  out: { type: string }
  run: { type: string }
phases:
  - id: first
    steps:
${[1, 2, 3, 4, 5].map(step).join("")}  - id: second
    steps:
${[6, 7, 8, 9, 10].map(step).join("")}`,
  );
});
afterAll(() => {
  killAll();
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

const expected = Array.from({ length: 10 }, (_, i) => `line-${i + 1}`);

/** A run in its own state directory: start it with a crash hook, then resume until it completes. */
async function crashAndRecover(
  name: string,
  hook: Record<string, string>,
): Promise<{ killed: boolean; resumes: number }> {
  const dir = join(root, name);
  mkdirSync(dir);
  const out = join(dir, "out.txt");
  const first = await startRbx(
    [
      "run",
      join(root, "ten.rb.yaml"),
      "--param",
      `out=${out}`,
      "--param",
      `run=${name}`,
      "--state-dir",
      join(dir, "state"),
    ],
    {
      cwd: dir,
      env: hook,
    },
  );
  const killed = first.signal === "SIGKILL";
  expect(existsSync(join(dir, "state", "runs")), first.stderr).toBe(true);
  let resumes = 0;
  for (let i = 0; i < 3; i++) {
    const runs = readdir(join(dir, "state", "runs"));
    const state = foldEvents("x", readJournalFile(join(dir, "state", "runs", runs[0] as string)).events);
    if (state.status === "completed") break;
    const r = await startRbx(
      ["resume", runs[0]?.replace(/\.jsonl$/, "") as string, "--state-dir", join(dir, "state")],
      { cwd: dir },
    );
    resumes++;
    expect(r.code, r.stderr).toBe(0);
  }
  const runs = readdir(join(dir, "state", "runs"));
  expect(runs).toHaveLength(1);
  const read = readJournalFile(join(dir, "state", "runs", runs[0] as string));
  expect(read.problems).toEqual([]);
  expect(read.tornBytes).toBe(0);
  expect(foldEvents("x", read.events).status).toBe("completed");
  expect(readFileSync(out, "utf8").split("\n").filter(Boolean)).toEqual(expected);
  return { killed, resumes };
}

function readdir(path: string): string[] {
  return readdirSync(path).filter((n) => n.endsWith(".jsonl"));
}

describe("crash safety of rbx run", () => {
  it("a clean run journals a known number of events", async () => {
    const r = await crashAndRecover("clean", {});
    expect(r).toEqual({ killed: false, resumes: 0 });
  });

  it("recovers from SIGKILL at every event boundary with each write exactly once", async () => {
    const clean = readJournalFile(
      join(root, "clean", "state", "runs", readdir(join(root, "clean", "state", "runs"))[0] as string),
    );
    const total = clean.events.length;
    expect(total).toBe(27);
    // Two crash-and-resume cycles at a time keep the runtime modest; each has its own state directory.
    const boundaries = Array.from({ length: total - 1 }, (_, i) => i + 1);
    const worker = async () => {
      for (let n = boundaries.shift(); n !== undefined; n = boundaries.shift()) {
        const r = await crashAndRecover(`kill-${n}`, { RBX_TEST_CRASH_AFTER_EVENT: String(n) });
        expect(r.killed, `killed after event ${n}`).toBe(true);
        expect(r.resumes).toBe(1);
      }
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  it("recovers from SIGKILL in the middle of a journal write (a torn last line)", async () => {
    const r = await crashAndRecover("torn", { RBX_TEST_TORN_EVENT: "12" });
    expect(r).toEqual({ killed: true, resumes: 1 });
    const dir = join(root, "torn", "state", "runs");
    const events = readJournalFile(join(dir, readdir(dir)[0] as string)).events;
    expect(events.map((e) => e.type)).toContain("journal.repaired");
  });
});
