// A full disk under the state directory (a 1 MiB tmpfs): rbx says which directory is full, stops before its
// next action, keeps the journal verifiable, refuses to resume while the disk stays full, and resumes after.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { killAll, RBX, startRbx } from "./cli.js";

let dir: string;
let disk: string;
const STACK = /^\s+at .+:\d+|ERR_[A-Z_]+|node:internal/m;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-full-disk-"));
  disk = join(dir, "disk");
  mkdirSync(disk);
  // The tests run as root on the CI machine and here; a mount that fails fails the file.
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk]);
  // Step `fill` fills the disk, then prints 9 KB: its journaled output needs new pages there, and there
  // are none. Step `after` would leave a mark outside the disk if it ever ran.
  writeFileSync(
    join(dir, "fill.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: fill, version: 1.0.0 }
phases:
  - id: work
    steps:
      - id: fill
        action: exec
        with:
          program: sh
          args: ["-c", "dd if=/dev/zero of=${disk}/filler bs=64k 2>/dev/null; head -c 9000 /dev/zero | tr '\\\\0' x"]
      - id: after
        action: exec
        with: { program: touch, args: ["${join(dir, "after-ran")}"] }
`,
  );
});

afterAll(() => {
  killAll();
  execFileSync("umount", [disk]);
  rmSync(dir, { recursive: true, force: true });
});

const state = () => join(disk, "state");
const runId = (stderr: string) => /Run (\S+) stopped/.exec(stderr)?.[1] ?? "?";
const journal = () => {
  const runs = readdirSync(join(state(), "runs")).filter((n) => n.endsWith(".jsonl"));
  expect(runs).toHaveLength(1);
  return join(state(), "runs", runs[0] as string);
};

describe("rbx on a full disk", () => {
  it("stops before the next action with the directory and the way out, and the journal verifies", async () => {
    const r = await startRbx(["run", "fill.rb.yaml", "--state-dir", state()], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `error: cannot append to the run's journal in ${state()}/runs: no space is left on the device (ENOSPC)`,
    );
    expect(r.stderr).toMatch(
      /Run \S+ stopped before its next action\. Its journal keeps events 1-\d+ and verifies/,
    );
    expect(r.stderr).toContain(
      `Make room in ${state()}/runs, then \`rbx resume ${runId(r.stderr)} --state-dir ${state()}\``,
    );
    expect(existsSync(join(dir, "after-ran"))).toBe(false);
    const read = readJournalFile(journal());
    expect(read.problems).toEqual([]);
    expect(read.tornBytes).toBe(0);
    expect(read.events.map((e) => e.type)).toContain("step.started");
  });

  it("refuses to resume while the disk is still full, in one line, changing nothing", async () => {
    const before = readJournalFile(journal());
    const r = await startRbx(["resume", "last", "--state-dir", state()], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot take the run's lock in ${state()}: no space is left on the device (ENOSPC); nothing ran`,
    );
    const after = readJournalFile(journal());
    expect(after.problems).toEqual([]);
    expect(after.events).toEqual(before.events);
  });

  it("does not start a run at all when the disk is full from the start, and leaves no run behind", async () => {
    writeFileSync(
      join(dir, "ok.rb.yaml"),
      'apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: ok, version: 1.0.0 }\nphases:\n  - id: a\n    steps:\n      - id: b\n        action: exec\n        with: { program: "true" }\n',
    );
    const other = join(disk, "other");
    const r = await startRbx(["run", "ok.rb.yaml", "--state-dir", other], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no space is left on the device \(ENOSPC\); nothing ran/);
    const runs = await startRbx(["runs", "--state-dir", other], { cwd: dir });
    expect(runs.stdout).toBe(`no runs under ${other}\n`);
    expect(existsSync(join(other, "locks")) ? readdirSync(join(other, "locks")) : []).toEqual([]);
  });

  it("says a full disk under a redirected stdout in one line and exits 1", () => {
    const r = spawnSync(
      "sh",
      ["-c", `"$0" "$1" schema > "$2"`, process.execPath, RBX, join(disk, "schema.json")],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toBe("rbx: cannot write to standard output: no space is left on the device (ENOSPC)\n");
    expect(r.status).toBe(1);
  });

  it("resumes once there is room: the in-doubt step is settled, the rest runs, the journal verifies", async () => {
    rmSync(join(disk, "filler"));
    const r = await startRbx(["resume", "last", "--state-dir", state(), "--settle", "fill=done"], {
      cwd: dir,
    });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "after-ran"))).toBe(true);
    const read = readJournalFile(journal());
    expect(read.problems).toEqual([]);
    expect(read.events.at(-1)?.type).toBe("run.completed");
  });
});
