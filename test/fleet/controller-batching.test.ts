// The controller's batched writes keep what single writes guaranteed: targets that move together share one
// fenced commit, a superseded controller's batch changes nothing, a failure stops new starts before its record
// commits, and an outcome a killed controller had not yet recorded is read from the run's own journal by the next.
// Each target is a real run (startRun in this process: one http.check against a loopback server, journaled in
// PostgreSQL), launched by an executor plugged into the controller as `--executor` plugs one in.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { builtinCatalog } from "../../src/builtins/index.js";
import { driveFleet } from "../../src/fleet/controller.js";
import type { FleetExecutor, Launched, LaunchSpec } from "../../src/fleet/executor.js";
import { FleetFencedError, FleetStore, type TargetMove } from "../../src/fleet/fleet-store.js";
import type { FleetOptions } from "../../src/fleet/fleet-types.js";
import { GroupBatch } from "../../src/fleet/group-batch.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { testPostgres } from "../support/postgres.js";

let server: PostgresServer;
let url = "";
let db: pg.Pool;
let dir: string;
let http: Server;
let okFile: string;
let badFile: string;

beforeAll(async () => {
  server = await testPostgres();
  url = server.url(await server.createDatabase());
  db = new pg.Pool({ connectionString: url, max: 2 });
  dir = mkdtempSync(join(tmpdir(), "rbx-batching-"));
  http = createServer((req, res) => res.writeHead(req.url === "/ok" ? 200 : 500).end("x"));
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as { port: number }).port;
  const runbook = (path: string) =>
    [
      "apiVersion: rbx/v1",
      "kind: Runbook",
      "metadata: { name: batching, version: 1.0.0 }",
      `connections: { svc: { kind: http, baseUrl: "http://127.0.0.1:${port}" } }`,
      "phases:",
      "  - id: all",
      "    steps:",
      `      - { id: call, action: http.check, with: { connection: svc, url: ${path}, expect: { status: 200 } } }`,
      "",
    ].join("\n");
  okFile = join(dir, "ok.rb.yaml");
  badFile = join(dir, "bad.rb.yaml");
  writeFileSync(okFile, runbook("/ok"));
  writeFileSync(badFile, runbook("/bad"));
});

afterAll(async () => {
  await db?.end();
  http?.close();
  rmSync(dir, { recursive: true, force: true });
});

const silent = () => {};
const me = () => ({ user: "tester", host: hostname(), pid: process.pid, since: new Date().toISOString() });

/** Runs each target in this process (targets named bad* fail their check); records what it launched. */
class InProcessExecutor implements FleetExecutor {
  readonly name = "in-process";
  readonly launches: string[] = [];
  async launch(spec: LaunchSpec): Promise<Launched> {
    this.launches.push(`${spec.target} ${spec.mode}`);
    const store = new PgRunStore(url, { stateDir: join(dir, ".rbx") });
    const exited = startRun(spec.target.startsWith("bad") ? badFile : okFile, { cli: new Map() }, undefined, {
      store,
      cwd: dir,
      env: {},
      user: "tester",
      catalog: builtinCatalog,
      runId: spec.runId,
      signal: new AbortController().signal,
      log: { info: silent, warn: silent, progress: silent },
      say: silent,
    }).then(
      (r) => r.exit,
      () => null,
    );
    return { handle: `in-process ${spec.runId}`, exited: exited.finally(() => store.close()) };
  }
  async alive(): Promise<boolean> {
    return false;
  }
}

const optionsFor = (targets: number, concurrency: number, errorsAllowed: number): FleetOptions => ({
  maxConcurrency: String(concurrency),
  maxErrors: String(errorsAllowed),
  canary: 0,
  haltsAreErrors: true,
  executor: "in-process",
  approve: [],
  approveAll: false,
  cwd: dir,
  targets,
  concurrency,
  errorsAllowed,
});

async function newFleet(fleets: FleetStore, fleetId: string, names: string[], options: FleetOptions) {
  return fleets.create(
    {
      fleetId,
      name: fleetId,
      runbook: okFile,
      runbookText: "",
      fleetText: "",
      options,
      targets: names.map((name) => ({ name, canary: false, spec: { params: {}, labels: {}, env: {} } })),
    },
    me(),
    30_000,
  );
}

const drive = (
  fleets: FleetStore,
  runs: PgRunStore,
  executor: FleetExecutor,
  fleetId: string,
  token: number,
  options: FleetOptions,
) =>
  driveFleet({
    fleets,
    runs,
    executor,
    fleetId,
    token,
    leaseMs: 30_000,
    options,
    runbook: okFile,
    storeUrl: url,
    stateDir: join(dir, ".rbx"),
    env: {},
    say: silent,
    signal: new AbortController().signal,
    pollMs: 50,
  });

async function rows(fleetId: string) {
  return (
    await db.query<{ name: string; state: string; run_id: string | null; attempt: number; started_at: Date }>(
      "SELECT name, state, run_id, attempt, started_at FROM rbx.fleet_targets WHERE fleet_id = $1 ORDER BY position",
      [fleetId],
    )
  ).rows;
}

async function events(fleetId: string) {
  return (
    await db.query<{ type: string; target: string | null }>(
      "SELECT type, target FROM rbx.fleet_events WHERE fleet_id = $1 ORDER BY seq",
      [fleetId],
    )
  ).rows;
}

describe("the fleet controller's batched writes", () => {
  it("records the targets that start together in one fenced commit, and a superseded controller's batch changes nothing", async () => {
    const runs = new PgRunStore(url, { stateDir: join(dir, ".rbx") });
    await runs.role();
    const fleets = new FleetStore(url);
    const names = ["t1", "t2", "t3", "t4", "t5", "t6"];
    const options = optionsFor(6, 6, 0);
    const token = await newFleet(fleets, "together", names, options);
    const executor = new InProcessExecutor();
    const outcome = await drive(fleets, runs, executor, "together", token, options);
    expect(outcome.status).toBe("completed");
    expect(executor.launches.sort()).toEqual(names.map((n) => `${n} start`));

    const targets = await rows("together");
    expect(targets.map((t) => [t.name, t.state, t.run_id, t.attempt])).toEqual(
      names.map((n) => [n, "succeeded", `together.${n}`, 1]),
    );
    // One transaction for the six starts: they share its time (six commits would each have their own).
    expect(new Set(targets.map((t) => t.started_at.toISOString())).size).toBe(1);
    const journal = await events("together");
    // The starts are journaled in the targets' order; each target's moves in the order they happened.
    expect(journal.filter((e) => e.type === "target.started").map((e) => e.target)).toEqual(names);
    for (const n of names)
      expect(journal.filter((e) => e.target === n).map((e) => e.type)).toEqual([
        "target.started",
        "target.launched",
        "target.succeeded",
      ]);

    // Another controller takes the fleet over: the first one's batch is refused whole, and changes nothing.
    const taken = await fleets.claim("together", me(), 30_000, true);
    expect("token" in taken).toBe(true);
    const before = (await events("together")).length;
    const moves: TargetMove[] = ["t1", "t2"].map((name) => ({
      name,
      from: ["succeeded"],
      to: "pending",
      fields: { message: null },
      event: { type: "target.requeued", body: {} },
    }));
    await expect(fleets.moveTargets("together", token, moves)).rejects.toBeInstanceOf(FleetFencedError);
    const batch = new GroupBatch<TargetMove, boolean>(
      (m) => fleets.moveTargets("together", token, m),
      (m) => m.name,
    );
    const asked = moves.map((m) => batch.ask(m));
    for (const a of asked) await expect(a).rejects.toBeInstanceOf(FleetFencedError);
    expect((await rows("together")).map((t) => t.state)).toEqual(names.map(() => "succeeded"));
    expect((await events("together")).length).toBe(before);
    // The holder's own batch moves only the targets in their `from` state, each journaled once.
    const holder = (taken as { token: number }).token;
    expect(
      await fleets.moveTargets("together", holder, [
        moves[0] as TargetMove,
        { ...(moves[1] as TargetMove), from: ["failed"] },
      ]),
    ).toEqual([true, false]);
    expect((await rows("together")).map((t) => t.state)).toEqual([
      "pending",
      ...names.slice(1).map(() => "succeeded"),
    ]);
    expect((await events("together")).slice(before).map((e) => [e.type, e.target])).toEqual([
      ["target.requeued", "t1"],
    ]);
    await fleets.close();
    await runs.close();
  }, 60_000);

  it("commits a finished target's record with the start of the target that takes its slot", async () => {
    const runs = new PgRunStore(url, { stateDir: join(dir, ".rbx") });
    await runs.role();
    const fleets = new FleetStore(url);
    const names = ["s1", "s2", "s3", "s4"];
    const options = optionsFor(4, 1, 0);
    const token = await newFleet(fleets, "slots", names, options);
    const outcome = await drive(fleets, runs, new InProcessExecutor(), "slots", token, options);
    expect(outcome.status).toBe("completed");
    const done = (
      await db.query<{ name: string; started_at: Date; finished_at: Date }>(
        "SELECT name, started_at, finished_at FROM rbx.fleet_targets WHERE fleet_id = 'slots' ORDER BY position",
      )
    ).rows;
    // One at a time: each target's outcome and the next one's start are one transaction (they share its time).
    for (let i = 1; i < done.length; i++)
      expect(done[i]?.started_at.toISOString()).toBe(done[i - 1]?.finished_at.toISOString());
    expect((await events("slots")).filter((e) => e.target).map((e) => [e.type, e.target])).toEqual(
      names.flatMap((n) => [
        ["target.started", n],
        ["target.launched", n],
        ["target.succeeded", n],
      ]),
    );
    await fleets.close();
    await runs.close();
  }, 60_000);

  it("stops new starts at a failure whose record has not committed, and the next controller reads that outcome from the run's journal", async () => {
    const runs = new PgRunStore(url, { stateDir: join(dir, ".rbx") });
    await runs.role();
    // The first controller's record of bad1's outcome hangs (the controller is as good as killed there).
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    class HangingStore extends FleetStore {
      override async moveTargets(fleetId: string, token: number, moves: readonly TargetMove[]) {
        if (moves.some((m) => m.name === "bad1" && m.event.type === "target.failed")) {
          held = true;
          await gate;
        }
        return super.moveTargets(fleetId, token, moves);
      }
    }
    const first = new HangingStore(url);
    const names = ["bad1", "t2", "t3"];
    const options = optionsFor(3, 1, 0);
    const token = await newFleet(first, "prompt", names, options);
    const executor = new InProcessExecutor();
    const driving = drive(first, runs, executor, "prompt", token, options);
    const refused = driving.then(
      () => "completed",
      (err: Error) => err,
    );
    for (let i = 0; i < 600 && !held; i++) await new Promise((r) => setTimeout(r, 50));
    expect(held).toBe(true);
    // Its failure counts at once: nothing else starts, though the store still has bad1 running.
    await new Promise((r) => setTimeout(r, 500));
    expect(executor.launches).toEqual(["bad1 start"]);
    expect((await rows("prompt")).map((t) => t.state)).toEqual(["running", "pending", "pending"]);

    // Another controller takes the fleet: it reads bad1's outcome from its run's journal, launches nothing.
    const second = new FleetStore(url);
    const taken = await second.claim("prompt", me(), 30_000, true);
    const next = new InProcessExecutor();
    const outcome = await drive(second, runs, next, "prompt", (taken as { token: number }).token, options);
    expect(outcome.status).toBe("halted");
    expect(next.launches).toEqual([]);
    expect((await rows("prompt")).map((t) => t.state)).toEqual(["failed", "pending", "pending"]);

    // The first controller's record, let go at last, is refused: it changed nothing and that controller stopped.
    release();
    expect(await refused).toBeInstanceOf(FleetFencedError);
    const journal = await events("prompt");
    expect(journal.filter((e) => e.target === "bad1").map((e) => e.type)).toEqual([
      "target.started",
      "target.launched",
      "target.failed",
    ]);
    const started = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM rbx.events WHERE run_id LIKE 'prompt.%' AND type = 'run.started'",
    );
    expect(Number(started.rows[0]?.n)).toBe(1);
    await first.close();
    await second.close();
    await runs.close();
  }, 90_000);
});
