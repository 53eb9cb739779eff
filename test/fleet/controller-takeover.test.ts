// A controller that takes over a fleet (after the last one was killed) finds a target whose run was just
// created: its journal holds no event yet, so no lock names it. While the process launched for it lives, the
// controller waits; only once that process is gone does it resume the run — never a second process beside it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { driveFleet } from "../../src/fleet/controller.js";
import type { FleetExecutor, Launched, LaunchSpec } from "../../src/fleet/executor.js";
import { FleetStore } from "../../src/fleet/fleet-store.js";
import type { FleetOptions } from "../../src/fleet/fleet-types.js";
import { LocalExecutor } from "../../src/fleet/local-executor.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { testPostgres } from "../support/postgres.js";

let server: PostgresServer;
let db: string;
let dir: string;
let sleeper: ChildProcess | undefined;
beforeAll(async () => {
  server = await testPostgres();
  db = await server.createDatabase();
  dir = mkdtempSync(join(tmpdir(), "rbx-takeover-"));
});
afterAll(async () => {
  if (sleeper?.pid && sleeper.exitCode === null) sleeper.kill("SIGKILL");
  await server.dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

/** The real local executor's view of processes; launches are recorded, not spawned (they would run `rbx resume`). */
class RecordingExecutor implements FleetExecutor {
  readonly name = "local";
  readonly launches: LaunchSpec["mode"][] = [];
  private readonly real = new LocalExecutor(process.env);
  onLaunch: () => void = () => {};
  async launch(spec: LaunchSpec): Promise<Launched> {
    this.launches.push(spec.mode);
    this.onLaunch();
    return { handle: `pid ${2 ** 22 + 7} on ${hostname()}`, exited: new Promise(() => {}) };
  }
  alive(handle: string): Promise<boolean | "unknown"> {
    return this.real.alive(handle);
  }
}

describe("a controller taking over a fleet", () => {
  it("waits for a launched process whose run has no event yet, and resumes the run once it is gone", async () => {
    const url = server.url(db);
    const runs = new PgRunStore(url, { stateDir: join(dir, ".rbx") });
    await runs.role();
    const fleets = new FleetStore(url);
    const options: FleetOptions = {
      maxConcurrency: "1",
      maxErrors: "0",
      canary: 0,
      haltsAreErrors: false,
      executor: "local",
      approve: [],
      approveAll: false,
      cwd: dir,
      targets: 1,
      concurrency: 1,
      errorsAllowed: 0,
    };
    const me = { user: "tester", host: hostname(), pid: process.pid, since: new Date().toISOString() };
    const token = await fleets.create(
      {
        fleetId: "f1",
        name: "f1",
        runbook: join(dir, "t.rb.yaml"),
        runbookText: "",
        fleetText: "",
        options,
        targets: [{ name: "t1", canary: false, spec: { params: {}, labels: {}, env: {} } }],
      },
      me,
      30_000,
    );
    // The killed controller's last acts: the target moved to running with its launched process, the run's
    // journal created by that process, which has not written its first event yet.
    sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    const handle = `pid ${sleeper.pid} on ${hostname()}`;
    const moved = await fleets.moveTarget(
      "f1",
      token,
      "t1",
      ["pending"],
      "running",
      {
        runId: "f1.t1",
        attempt: 1,
        handle,
        started: true,
      },
      { type: "target.started", body: { target: "t1" } },
    );
    expect(moved).toBe(true);
    await runs.create("f1.t1");

    const executor = new RecordingExecutor();
    const stop = new AbortController();
    executor.onLaunch = () => stop.abort();
    const said: string[] = [];
    const driving = driveFleet({
      fleets,
      runs,
      executor,
      fleetId: "f1",
      token,
      leaseMs: 30_000,
      options,
      runbook: join(dir, "t.rb.yaml"),
      storeUrl: url,
      stateDir: join(dir, ".rbx"),
      env: {},
      say: (l) => said.push(l),
      signal: stop.signal,
      pollMs: 50,
    });
    // Many looks while the launched process lives: none launches anything.
    await new Promise((r) => setTimeout(r, 1000));
    expect(executor.launches).toEqual([]);
    sleeper.kill("SIGKILL");
    await driving;
    expect(executor.launches).toEqual(["resume"]);
    expect(said).toContain("t1: run f1.t1 lost its process; resuming it");
    await fleets.close?.();
    await runs.close();
  }, 30_000);
});
