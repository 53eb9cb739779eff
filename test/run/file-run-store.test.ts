// Locks in the file store: one run per target, holders reported, stale locks detected, force and reclaim.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileRunStore } from "../../src/run/store/file-store.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keys = [
  { key: "postgres-aaaa", label: "db (postgres)" },
  { key: "kubernetes-bbbb", label: "cluster (kubernetes)" },
];
const holder = (runId: string, pid = process.pid) => ({
  runId,
  pid,
  host: hostname(),
  startedAt: "2025-01-01T00:00:00.000Z",
});

/** The pid of a process that has exited (so its lock is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  const pid = child.pid as number;
  await new Promise((resolve) => child.on("exit", resolve));
  return pid;
}

describe("FileRunStore locks", () => {
  it("gives a target to one run and names the holder to the next", async () => {
    const store = new FileRunStore(dir);
    expect(await store.lock(keys, holder("run-1"), false)).toEqual({
      ok: true,
      token: expect.any(Number),
      forced: [],
      reclaimed: [],
    });
    expect(statSync(join(dir, "locks", "postgres-aaaa.json")).mode & 0o777).toBe(0o600);
    const second = await store.lock([keys[0] as (typeof keys)[0]], holder("run-2"), false);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.conflicts[0]?.holder).toMatchObject({
        runId: "run-1",
        pid: process.pid,
        label: "db (postgres)",
      });
      expect(second.conflicts[0]?.alive).toBe(true);
    }
    await store.unlock("run-1", keys);
    expect((await store.lock(keys, holder("run-2"), false)).ok).toBe(true);
  });

  it("takes all locks or none", async () => {
    const store = new FileRunStore(dir);
    await store.lock([keys[1] as (typeof keys)[0]], holder("run-1"), false);
    const r = await store.lock(keys, holder("run-2"), false);
    expect(r.ok).toBe(false);
    expect(await store.holders([keys[0] as (typeof keys)[0]])).toEqual([]);
  });

  it("reports a stale lock, lets the same run reclaim it, and records who was forced out", async () => {
    const store = new FileRunStore(dir);
    const pid = await deadPid();
    await store.lock(keys, holder("run-1", pid), false);
    const refused = await store.lock(keys, holder("run-2"), false);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.conflicts.map((c) => c.alive)).toEqual([false, false]);
    const reclaimed = await store.lock(keys, holder("run-1"), false);
    expect(reclaimed.ok && reclaimed.reclaimed.map((h) => h.pid)).toEqual([pid, pid]);
    const forced = await store.lock(keys, holder("run-3"), true);
    expect(forced.ok && forced.forced.map((h) => h.runId)).toEqual(["run-1", "run-1"]);
  });

  it("lists runs oldest first and refuses run ids that are not plain names", async () => {
    const store = new FileRunStore(dir);
    (await store.create("20250102-000000-bbbb")).close();
    (await store.create("20250101-000000-aaaa")).close();
    expect(await store.list()).toEqual(["20250101-000000-aaaa", "20250102-000000-bbbb"]);
    await expect(store.create("../escape")).rejects.toThrow(/invalid run id/);
  });
});
