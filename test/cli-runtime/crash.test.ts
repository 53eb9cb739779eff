// The crash test: SIGKILL a real `rbx run` at every journal boundary (and once mid-write), then resume:
// every write happens exactly once, the journal verifies, and the run completes.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldEvents } from "../../src/run/model/state.js";
import { killAll, startRbx } from "./cli.js";
import { CLI_STORES, CliStores } from "./stores.js";

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

/**
 * A run in its own place (a state directory, or a database with the PostgreSQL store): start it with a crash
 * hook, then resume until it completes.
 */
async function crashAndRecover(
  stores: CliStores,
  name: string,
  hook: Record<string, string>,
): Promise<{ killed: boolean; resumes: number }> {
  const dir = join(root, stores.kind, name);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, "out.txt");
  const place = join(dir, "state");
  const first = await startRbx(
    [
      "run",
      join(root, "ten.rb.yaml"),
      "--param",
      `out=${out}`,
      "--param",
      `run=${stores.kind}/${name}`,
      ...(await stores.args(place)),
    ],
    {
      cwd: dir,
      env: hook,
    },
  );
  const killed = first.signal === "SIGKILL";
  expect(await stores.runs(place), first.stderr).toHaveLength(1);
  let resumes = 0;
  for (let i = 0; i < 3; i++) {
    const { runId, read } = await stores.newest(place);
    if (foldEvents("x", read.events).status === "completed") break;
    const r = await startRbx(["resume", runId, ...(await stores.args(place))], { cwd: dir });
    resumes++;
    expect(r.code, r.stderr).toBe(0);
  }
  expect(await stores.runs(place)).toHaveLength(1);
  const { read } = await stores.newest(place);
  expect(read.problems).toEqual([]);
  expect(read.tornBytes).toBe(0);
  expect(foldEvents("x", read.events).status).toBe("completed");
  expect(readFileSync(out, "utf8").split("\n").filter(Boolean)).toEqual(expected);
  return { killed, resumes };
}

// Both stores: a SIGKILL after any committed event leaves a journal that resumes to the same end.
describe.each(CLI_STORES)("crash safety of rbx run (%s store)", (kind) => {
  let stores: CliStores;
  beforeAll(() => {
    stores = new CliStores(kind, root);
  });
  afterAll(() => stores.dispose());

  it("a clean run journals a known number of events", async () => {
    const r = await crashAndRecover(stores, "clean", {});
    expect(r).toEqual({ killed: false, resumes: 0 });
  });

  it("recovers from SIGKILL at every event boundary with each write exactly once", async () => {
    const total = (await stores.newest(join(root, kind, "clean", "state"))).read.events.length;
    expect(total).toBe(27);
    // Two crash-and-resume cycles at a time keep the runtime modest; each has its own place.
    const boundaries = Array.from({ length: total - 1 }, (_, i) => i + 1);
    const worker = async () => {
      for (let n = boundaries.shift(); n !== undefined; n = boundaries.shift()) {
        const r = await crashAndRecover(stores, `kill-${n}`, { RBX_TEST_CRASH_AFTER_EVENT: String(n) });
        expect(r.killed, `killed after event ${n}`).toBe(true);
        expect(r.resumes).toBe(1);
      }
    };
    await Promise.all([worker(), worker()]);
  }, 180_000);
});

// A torn line exists only in a file: a PostgreSQL append commits whole or not at all.
describe("crash safety of rbx run (file store, mid-write)", () => {
  it("recovers from SIGKILL in the middle of a journal write (a torn last line)", async () => {
    const stores = new CliStores("file", root);
    const r = await crashAndRecover(stores, "torn", { RBX_TEST_TORN_EVENT: "12" });
    expect(r).toEqual({ killed: true, resumes: 1 });
    const { read } = await stores.newest(join(root, "file", "torn", "state"));
    expect(read.events.map((e) => e.type)).toContain("journal.repaired");
    await stores.dispose();
  });
});
