// Durability on power loss cannot be simulated here, so the system calls are checked instead: the built store and
// snapshot.create run under `strace -f -y`, and every journal, head file, lock and snapshot must be followed by an
// fsync of the directory that holds its name (after creating it, renaming it into place or removing it).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { testPostgres } from "../support/postgres.js";

const run = promisify(execFile);
const DIST = resolve(import.meta.dirname, "..", "..", "dist", "src");

const script = `
import { FileRunStore } from ${JSON.stringify(join(DIST, "run/store/file-store.js"))};
import { snapshotCreate } from ${JSON.stringify(join(DIST, "builtins/snapshot/create.js"))};
const [stateDir, snapshots, url] = process.argv.slice(2);
const store = new FileRunStore(stateDir);
const journal = await store.create("run-1");
journal.append({ type: "guards.passed" });
journal.flush();
journal.close();
const holder = { runId: "run-1", pid: process.pid, host: "h", startedAt: new Date().toISOString() };
const key = [{ key: "postgres-abc", label: "db (postgres)" }];
await store.lock(key, holder, false);
// Another run forcing the lock: the holder file is replaced by a rename.
await store.lock(key, { ...holder, runId: "run-2" }, true);
await store.unlock("run-2", key);
const secrets = [];
const ctx = {
  signal: new AbortController().signal,
  log: { info() {}, warn() {}, progress() {} },
  redactor: { redact: (t) => secrets.reduce((s, x) => s.split(x).join("***"), t), addSecret: (s) => secrets.push(s) },
  connections: new Map([["db", { name: "db", kind: "postgres", fields: { url } }]]),
  runId: "run-1",
  stepId: "backup",
  workDir: stateDir,
  env: { ...process.env, RBX_SNAPSHOTS_DIR: snapshots },
};
const out = await snapshotCreate.run(ctx, { label: "durability" });
console.log(JSON.stringify({ snapshot: out.path }));
`;

/** Trace lines of the calls that make names and contents durable. */
interface Trace {
  lines: string[];
  /** Index of the first line matching `re`, or -1. */
  first(re: RegExp): number;
  /** Index of the first line after `from` matching `re`, or -1. */
  after(from: number, re: RegExp): number;
}

function traceOf(text: string): Trace {
  // A call that another thread's call interrupted is printed in two pieces, `PID call(… <unfinished ...>` and later
  // `PID <... call resumed>) = 0`: joined into one line where the call began (the journal's fsync runs on libuv's
  // thread pool, and may overlap the main thread's). strace's padding before ` = ` is collapsed to one space.
  const lines: string[] = [];
  const open = new Map<string, number>();
  for (const l of text.split("\n")) {
    if (l.trim() === "") continue;
    const cut = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(l);
    const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/.exec(l);
    if (cut) {
      open.set(cut[1] as string, lines.length);
      lines.push(`${cut[1]} ${cut[2]}`);
    } else if (resumed && open.has(resumed[1] as string)) {
      const at = open.get(resumed[1] as string) as number;
      lines[at] = `${lines[at]}${resumed[2]}`.replace(/\)\s+= /, ") = ");
      open.delete(resumed[1] as string);
    } else lines.push(l.replace(/\)\s+= /, ") = "));
  }
  return {
    lines,
    first: (re) => lines.findIndex((l) => re.test(l)),
    after: (from, re) => {
      if (from < 0) return -1;
      const i = lines.slice(from + 1).findIndex((l) => re.test(l));
      return i < 0 ? -1 : from + 1 + i;
    },
  };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** `fsync(FD</path>)` of exactly that path (strace -y prints the path an fd refers to). */
const fsyncOf = (path: string) => new RegExp(`\\bfsync\\(\\d+<${esc(path)}>\\) = 0`);

describe("durability on power loss: directories fsync'd after names change (strace)", () => {
  let pg: PostgresServer;
  let dir: string;
  let trace: Trace;
  let snapshot: string;

  beforeAll(async () => {
    pg = await testPostgres();
    const db = await pg.createDatabase();
    dir = mkdtempSync(join(tmpdir(), "rbx-durable-"));
    const file = join(dir, "durable.mjs");
    writeFileSync(file, script);
    const traceFile = join(dir, "trace.txt");
    const { stdout } = await run(
      "strace",
      [
        "-f",
        "-y",
        "-qq",
        "-e",
        "trace=openat,fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat",
        "-o",
        traceFile,
        process.execPath,
        file,
        join(dir, "state"),
        join(dir, "snapshots"),
        pg.url(db),
      ],
      { env: { ...process.env, PATH: `${pg.binDir}:${process.env.PATH}` }, timeout: 120_000 },
    ).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
      throw new Error(
        error.code === "ENOENT"
          ? "strace is needed for this test: run scripts/system-deps.sh (apt-get install strace)"
          : `the traced script failed: ${error.stderr ?? error.message}`,
      );
    });
    snapshot = (JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { snapshot: string }).snapshot;
    trace = traceOf(readFileSync(traceFile, "utf8"));
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a new journal and its head file: the runs directory (and the state directory it was made in) after creating them", () => {
    const runs = join(dir, "state", "runs");
    const created = trace.first(new RegExp(`openat\\(.*"${esc(join(runs, "run-1.jsonl"))}", [^)]*O_CREAT`));
    const head = trace.after(created, new RegExp(`"${esc(join(runs, "run-1.jsonl.head"))}", [^)]*O_CREAT`));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(head).toBeGreaterThan(created);
    expect(trace.after(head, fsyncOf(runs))).toBeGreaterThan(head);
    // mkdir -p made state/ and state/runs: each is fsync'd into its parent before the journal is created.
    expect(trace.first(fsyncOf(join(dir, "state")))).toBeGreaterThanOrEqual(0);
    expect(trace.first(fsyncOf(join(dir, "state")))).toBeLessThan(created);
    // The events themselves: the journal's own fsync.
    expect(trace.after(head, fsyncOf(join(runs, "run-1.jsonl")))).toBeGreaterThan(head);
  });

  it("a lock file: fsync'd, then its directory, after creating it, after renaming a forced one into place, and after removing it", () => {
    const locks = join(dir, "state", "locks");
    const lock = join(locks, "postgres-abc.json");
    const created = trace.first(new RegExp(`openat\\(.*"${esc(lock)}", [^)]*O_CREAT\\|O_EXCL`));
    expect(created).toBeGreaterThanOrEqual(0);
    const synced = trace.after(created, fsyncOf(lock));
    expect(synced).toBeGreaterThan(created);
    expect(trace.after(synced, fsyncOf(locks))).toBeGreaterThan(synced);
    const renamed = trace.first(new RegExp(`rename(at2?)?\\(.*"${esc(lock)}\\.\\d+\\.tmp".*"${esc(lock)}"`));
    expect(renamed).toBeGreaterThan(created);
    const tmpSynced = trace.first(new RegExp(`fsync\\(\\d+<${esc(lock)}\\.\\d+\\.tmp>\\) = 0`));
    expect(tmpSynced).toBeGreaterThan(created);
    expect(tmpSynced).toBeLessThan(renamed);
    expect(trace.after(renamed, fsyncOf(locks))).toBeGreaterThan(renamed);
    const removed = trace.after(renamed, new RegExp(`unlink(at)?\\(.*"${esc(lock)}"`));
    expect(removed).toBeGreaterThan(renamed);
    expect(trace.after(removed, fsyncOf(locks))).toBeGreaterThan(removed);
  });

  it("a snapshot: its dump and manifest fsync'd before it is renamed into the store, the store after", () => {
    const store = join(dir, "snapshots");
    const renamed = trace.first(
      new RegExp(`rename(at2?)?\\(.*"${esc(store)}/\\.[^"]+\\.partial".*"${esc(snapshot)}"`),
    );
    expect(renamed).toBeGreaterThanOrEqual(0);
    const manifest = trace.first(/fsync\(\d+<[^>]*\.partial\/manifest\.json>\) = 0/);
    const dump = trace.first(/fsync\(\d+<[^>]*\.partial\/dump>\) = 0/);
    expect(manifest).toBeGreaterThanOrEqual(0);
    expect(manifest).toBeLessThan(renamed);
    expect(dump).toBeGreaterThanOrEqual(0);
    expect(dump).toBeLessThan(renamed);
    expect(trace.after(renamed, fsyncOf(store))).toBeGreaterThan(renamed);
  });
});
