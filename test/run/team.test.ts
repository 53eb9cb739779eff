// Team semantics in process: a target's identity and its Lease (on the lab's API stand-in, read back with the
// real kubectl), fencing after --force-unlock, a store that goes away mid-run, following a run, and snapshots
// another machine cannot read.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../lab/postgres.js";
import { toolPaths } from "../../lab/tool-binaries.js";
import { builtinTargets } from "../../src/builtins/targets.js";
import type { ResolvedConnection } from "../../src/contract/connection.js";
import type { RunEvent } from "../../src/run/model/events.js";
import { followRun } from "../../src/run/sessions/follow-run.js";
import { inspectRun } from "../../src/run/sessions/inspect.js";
import { resumeRun } from "../../src/run/sessions/resume-run.js";
import { rollbackRun } from "../../src/run/sessions/rollback-run.js";
import { runSnapshots, snapshotsReadable } from "../../src/run/sessions/snapshots.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { PgRunStore } from "../../src/run/store/pg-store.js";
import { type KubeHarness, startKubeHarness } from "../support/kube-harness.js";
import { Harness, STORES } from "./harness.js";

const run = promisify(execFile);
const harnesses: Harness[] = [];
const workspace = async (kind: "file" | "postgres") => {
  const h = await Harness.create(kind);
  harnesses.push(h);
  return h;
};
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.cleanup();
});

/** Resolves once `pred` holds for an event the run recorded (bounded: 20 s). */
function eventSeen(h: Harness, pred: (e: RunEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      if (h.events.some(pred)) return resolve();
      if (Date.now() - started > 20_000) return reject(new Error("the event never came"));
      setTimeout(look, 20);
    };
    look();
  });
}

/** Resolves once the start of `step` is in the store (committed, not just recorded in memory); bounded: 10 s. */
async function durable(h: Harness, step: string): Promise<void> {
  const started = h.events.find((e) => e.type === "run.started");
  const runId = started?.type === "run.started" ? started.runId : "";
  for (let i = 0; i < 500; i++) {
    const read = await h.store.read(runId).catch(() => undefined);
    if (read?.events.some((e) => e.type === "step.started" && e.step === step)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the start of ${step} was never committed`);
}

describe("a Kubernetes target", () => {
  let kube: KubeHarness;
  let kubectl: string;
  beforeAll(async () => {
    kube = await startKubeHarness({ namespaces: ["kryton"] });
    kubectl = (await toolPaths()).kubectl;
  });
  afterAll(() => kube.stop());

  const cluster = (kubeconfig: string, namespace = "kryton"): ResolvedConnection => ({
    name: "cluster",
    kind: "kubernetes",
    fields: { kubeconfig, namespace },
  });

  it("is identified by its API server, CA and namespace — never the kubeconfig file's path", async () => {
    const other = join(kube.dir, "copy-of-kubeconfig");
    copyFileSync(kube.kubeconfig, other);
    const a = await builtinTargets.identity(cluster(kube.kubeconfig), {});
    const b = await builtinTargets.identity(cluster(other), {});
    expect(a).toEqual(b);
    expect(a).toMatchObject({ server: kube.url.toLowerCase(), namespace: "kryton" });
    expect(await builtinTargets.identity(cluster(other, "apps"), {})).not.toEqual(a);
  });

  it("holds a Lease in the target namespace that another installation respects, kept while the run is halted", async () => {
    const a = await workspace("postgres");
    const b = await workspace("file");
    const runbook = (h: Harness) =>
      h.write(
        "k.rb.yaml",
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: kryton-like, version: 1.0.0 }
connections:
  cluster: { kind: kubernetes, kubeconfig: "${kube.kubeconfig}", namespace: kryton }
phases:
  - id: upgrade
    steps:
      - id: go
        action: approve
        with: { prompt: "Upgrade now?" }
      - id: change
        action: test.cluster-append
        with: { path: "${h.path("changes.txt")}", line: changed }
`,
      );
    const first = await startRun(
      runbook(a),
      { cli: new Map() },
      undefined,
      a.opts({ targets: builtinTargets }),
    );
    expect(first).toMatchObject({ exit: 3, status: "halted" });
    const leases = async () =>
      (
        await run(kubectl, ["get", "leases", "-n", "kryton", "-o", "json"], {
          env: { PATH: process.env.PATH, KUBECONFIG: kube.kubeconfig, HOME: kube.dir },
        })
      ).stdout;
    const held = JSON.parse(await leases()).items;
    expect(held).toHaveLength(1);
    expect(held[0].metadata.name).toMatch(/^rbx-kubernetes-[0-9a-f]{16}$/);
    expect(held[0].spec.holderIdentity).toBe(`rbx run ${first.runId}`);
    expect(held[0].metadata.annotations["rbx.dev/state"]).toBe("halted");
    expect(held[0].metadata.annotations["rbx.dev/store"]).toMatch(
      /^postgres:\/\/postgres@127\.0\.0\.1:\d+\//,
    );
    const table = (
      await run(kubectl, ["get", "leases", "-n", "kryton"], {
        env: { PATH: process.env.PATH, KUBECONFIG: kube.kubeconfig, HOME: kube.dir },
      })
    ).stdout;
    expect(table).toMatch(new RegExp(`rbx-kubernetes-[0-9a-f]{16}\\s+rbx run ${first.runId}`));
    // Another installation with its own (file) store: refused by the Lease, naming the halted holder.
    const second = await startRun(
      runbook(b),
      { cli: new Map() },
      undefined,
      b.opts({ targets: builtinTargets }),
    );
    expect(second.exit).toBe(2);
    const said = b.said.join("\n");
    expect(said).toContain(`is held by halted run ${first.runId}, halted at step go by tester@`);
    expect(said).toContain("journal in postgres://postgres@");
    // The first run finishes; its Lease goes; the other installation's run may go now.
    const done = await resumeRun(
      first.runId as string,
      {},
      a.opts({ targets: builtinTargets, approveAll: true }),
    );
    expect(done).toMatchObject({ exit: 0, status: "completed" });
    expect(JSON.parse(await leases()).items).toHaveLength(0);
    const now = await startRun(
      runbook(b),
      { cli: new Map() },
      undefined,
      b.opts({ targets: builtinTargets, approveAll: true }),
    );
    expect(now).toMatchObject({ exit: 0, status: "completed" });
  });

  it("runs when the target's namespace does not exist (the cluster unused on this path), with no Lease to hold", async () => {
    const a = await workspace("file");
    const file = a.write(
      "nowhere.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: compose-like, version: 1.0.0 }
connections:
  cluster: { kind: kubernetes, kubeconfig: "${kube.kubeconfig}", namespace: not-created }
phases:
  - id: upgrade
    steps:
      - id: change
        action: test.cluster-append
        with: { path: "${a.path("changes.txt")}", line: changed }
`,
    );
    const r = await startRun(file, { cli: new Map() }, undefined, a.opts({ targets: builtinTargets }));
    expect(r).toMatchObject({ exit: 0, status: "completed" });
    expect(readFileSync(a.path("changes.txt"), "utf8")).toBe("changed\n");
  });
});

describe.each(STORES)("%s store", (kind) => {
  it("stops a run whose locks were forced away before its next write; it records that it was fenced", async () => {
    const h = await workspace(kind);
    const body = (log: string, hold: number) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: shared-target, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: slow
        action: test.append
        with: { path: "${h.path(log)}", line: slow, holdMs: ${hold} }
      - id: next
        action: test.append
        with: { path: "${h.path(log)}", line: next }
`;
    const first = startRun(
      h.write("a.rb.yaml", body("a.txt", 1500)),
      { cli: new Map() },
      undefined,
      h.opts(),
    );
    await eventSeen(h, (e) => e.type === "step.started" && e.step === "slow");
    const bob = await h.operator("bob");
    const second = await startRun(
      h.write("b.rb.yaml", body("b.txt", 0)),
      { cli: new Map() },
      undefined,
      h.opts({ ...bob, forceUnlock: true }),
    );
    expect(second).toMatchObject({ exit: 0, status: "completed" });
    const fenced = await first;
    expect(fenced).toMatchObject({ exit: 3, status: "fenced" });
    expect(readFileSync(h.path("a.txt"), "utf8")).toBe("slow\n");
    expect(h.said.join("\n")).toContain(`run ${fenced.runId} lost its locks`);
    const j1 = await h.journal(fenced.runId as string);
    expect(j1.some((l) => l.startsWith('step.started {"step":"next"'))).toBe(false);
    expect(j1.at(-1)).toMatch(/^run\.fenced \{"pid":"<pid>","host":"<host>","reason":".+","discarded":\d\}$/);
    if (kind === "postgres") {
      // The taker recorded the takeover in the other run's journal too (a file journal has one writer: there
      // the fenced process records it alone).
      expect(j1.at(-2)).toBe(
        'lock.taken-over {"by":"bob","actor":{"user":"bob","host":"<host>"},"to":"' +
          `${second.runId}","locks":[{"key":"runbook-shared-target","label":"runbook shared-target"}]}`,
      );
    }
    const j2 = await h.journal(second.runId as string);
    expect(j2[1]).toMatch(new RegExp(`^lock.forced \\{"previous":\\{"runId":"${fenced.runId}"`));
    const report = await inspectRun(h.store, fenced.runId as string, h.dir, h.opts().catalog);
    expect(report.status).toBe("halted");
  });

  it("starts a run under the id its caller gives (a Job's pods), and refuses to start it twice", async () => {
    const h = await workspace(kind);
    const file = h.write(
      "j.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: job, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: a
        action: test.append
        with: { path: "${h.path("j.txt")}", line: once }
`,
    );
    const first = await startRun(file, { cli: new Map() }, undefined, h.opts({ runId: "kryton-prod-7" }));
    expect(first).toMatchObject({ exit: 0, runId: "kryton-prod-7", status: "completed" });
    const again = await startRun(file, { cli: new Map() }, undefined, h.opts({ runId: "kryton-prod-7" }));
    expect(again.exit).toBe(2);
    expect(h.said.at(-1)).toContain("run kryton-prod-7 already exists");
    expect(readFileSync(h.path("j.txt"), "utf8")).toBe("once\n");
  });

  it("follows a run from another connection as its events are committed", async () => {
    const h = await workspace(kind);
    const file = h.write(
      "f.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: followed, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: a
        action: test.sleep
        with: { ms: 400 }
      - id: b
        action: test.sleep
        with: { ms: 400 }
`,
    );
    const driving = startRun(file, { cli: new Map() }, undefined, h.opts());
    await eventSeen(h, (e) => e.type === "step.started");
    const watcher = kind === "postgres" ? (await h.operator("watcher")).store : h.store;
    const seen: { type: string; at: number }[] = [];
    let ended = 0;
    void driving.then(() => {
      ended = Date.now();
    });
    const end = await followRun(
      watcher,
      h.events[0]?.type === "run.started" ? h.events[0].runId : "",
      (events) => {
        for (const e of events) seen.push({ type: e.type, at: Date.now() });
      },
      new AbortController().signal,
    );
    expect(end.ended).toBe("stopped");
    expect((await driving).status).toBe("completed");
    expect(seen.map((s) => s.type)).toEqual((await h.store.read(end.state.runId)).events.map((e) => e.type));
    // Live: step b's start reached the follower while the run was still going.
    const bStarted = seen.filter((s) => s.type === "step.started")[1];
    expect(bStarted && (ended === 0 || bStarted.at <= ended)).toBe(true);
  });
});

describe("a cluster that stops answering as a run ends", () => {
  it.each(["halts", "completes"] as const)(
    "a run that %s says its Lease could not be updated, as a warning: the run's outcome stands",
    async (ending) => {
      const kube = await startKubeHarness({ namespaces: ["kryton"] });
      try {
        const h = await workspace("file");
        const file = h.write(
          "k.rb.yaml",
          `apiVersion: rbx/v1
kind: Runbook
metadata: { name: cluster-gone, version: 1.0.0 }
connections:
  cluster: { kind: kubernetes, kubeconfig: "${kube.kubeconfig}", namespace: kryton }
phases:
  - id: upgrade
    steps:
      - id: change
        action: test.cluster-append
        with: { path: "${h.path("changes.txt")}", line: changed, holdMs: 1500 }
${ending === "halts" ? '      - id: go\n        action: approve\n        with: { prompt: "Go on?" }\n' : ""}`,
        );
        const running = startRun(file, { cli: new Map() }, undefined, h.opts({ targets: builtinTargets }));
        await eventSeen(h, (e) => e.type === "step.started" && e.step === "change");
        await durable(h, "change");
        await kube.standIn.stop();
        const r = await running;
        expect(r, h.said.join("\n")).toMatchObject(
          ending === "halts" ? { exit: 3, status: "halted" } : { exit: 0, status: "completed" },
        );
        const warning = h.said.find((l) => l.startsWith("warning: lease rbx-kubernetes-"));
        expect(warning, h.said.join("\n")).toMatch(
          ending === "halts"
            ? /could not be marked halted \(.+\); it still holds the target for this run and reads as a crashed holder until the run is resumed$/
            : /could not be released \(.+\); it still names this run: delete the Lease, or let the next run take it over with --force-unlock$/,
        );
        expect(h.said.join("\n")).not.toMatch(/^\s+at /m);
      } finally {
        await kube.stop().catch(() => {});
      }
    },
  );
});

describe("a store that goes away mid-run", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.stop());

  it("stops the run before its next action with a clear error; resumed once it is back, nothing is lost", async () => {
    const h = new Harness();
    const db = await server.createDatabase();
    const url = server.url(db);
    h.store = new PgRunStore(url, { stateDir: h.path(".rbx") });
    try {
      const log = h.path("log.txt");
      const file = h.write(
        "s.rb.yaml",
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: store-goes-away, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: first
        action: test.append
        with: { path: "${log}", line: first, holdMs: 1500 }
      - id: second
        action: test.append
        with: { path: "${log}", line: second }
`,
      );
      const driving = startRun(file, { cli: new Map() }, undefined, h.opts());
      await eventSeen(h, (e) => e.type === "step.started" && e.step === "first");
      await durable(h, "first");
      await server.stopServer?.();
      const stopped = await driving;
      expect(stopped).toMatchObject({ exit: 3, status: "store-unreachable" });
      const said = h.said.join("\n");
      expect(said).toContain(`run ${stopped.runId} stopped before its next action`);
      expect(said).toContain("cannot reach the run store at postgres://postgres@127.0.0.1:");
      expect(said).not.toContain(server.password);
      expect(said).toContain(`\`rbx resume ${stopped.runId}\` continues it once the store answers again`);
      expect(readFileSync(log, "utf8")).toBe("first\n");
      await server.startServer?.();
      const resumed = await resumeRun(stopped.runId as string, {}, h.opts());
      expect(resumed).toMatchObject({ exit: 0, status: "completed" });
      // The first step's end was never recorded: its probe found it done, so it did not run again.
      expect(readFileSync(log, "utf8")).toBe("first\nsecond\n");
      const j = await h.journal(stopped.runId as string);
      expect(j).toContain('step.probed {"step":"first","result":"done"}');
      expect((await h.store.read(stopped.runId as string)).problems).toEqual([]);
    } finally {
      await h.store.close();
      await server.dropDatabase(db);
      h.cleanupDir();
    }
  });
});

describe("snapshots", () => {
  const events = (path: string): RunEvent[] => [
    {
      seq: 1,
      at: "2025-01-01T00:00:00.000Z",
      prev: "0",
      type: "run.started",
      runId: "r",
      runbook: { name: "n", version: "1.0.0", file: "f", contentHash: "h" },
      params: {},
      planHash: "p",
      user: "alice",
      host: "host-a",
      pid: 1,
      locks: [],
    },
    {
      seq: 2,
      at: "2025-01-01T00:00:01.000Z",
      prev: "1",
      type: "step.started",
      step: "backup",
      phase: "backup",
      action: "snapshot.create",
      effect: "read",
      attempt: 1,
      args: {},
    },
    {
      seq: 3,
      at: "2025-01-01T00:00:02.000Z",
      prev: "2",
      type: "step.succeeded",
      step: "backup",
      attempt: 1,
      output: { id: "app-20250101T000002Z-abcdef", database: "app", path, file: "dump" },
    },
  ];

  it("are found in the journal with the host that wrote them; a rollback that cannot read one is refused", () => {
    const h = new Harness();
    try {
      const dir = h.path("snaps/app-20250101T000002Z-abcdef");
      const e = events(dir);
      expect(runSnapshots(e)).toMatchObject([
        { id: "app-20250101T000002Z-abcdef", host: "host-a", step: "backup" },
      ]);
      const said: string[] = [];
      const opts = { env: {}, say: (l: string) => said.push(l) };
      expect(snapshotsReadable(e, "resume", opts)).toBe(true);
      expect(said[0]).toMatch(
        /^warning: this machine cannot read snapshot app-20250101T000002Z-abcdef \(step backup, database app\), written to host-a:.*snaps\/app-20250101T000002Z-abcdef\/dump/,
      );
      expect(snapshotsReadable(e, "rollback", opts)).toBe(false);
      expect(said.at(-1)).toContain("refusing to roll back");
      // Readable through the configured snapshot location (a share mounted elsewhere on this machine).
      mkdirSync(h.path("share/app-20250101T000002Z-abcdef"), { recursive: true });
      h.write("share/app-20250101T000002Z-abcdef/dump", "x");
      expect(
        snapshotsReadable(e, "rollback", { env: { RBX_SNAPSHOTS_DIR: h.path("share") }, say: () => {} }),
      ).toBe(true);
    } finally {
      h.cleanupDir();
    }
  });

  it("are checked before a rollback runs anything", async () => {
    const h = await workspace("file");
    const file = h.write(
      "r.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: snap, version: 1.0.0 }
phases:
  - id: change
    rollback:
      - action: test.append
        with: { path: "${h.path("undo.txt")}", line: undone }
    steps:
      - id: go
        action: test.append
        with: { path: "${h.path("log.txt")}", line: x }
`,
    );
    const r = await startRun(file, { cli: new Map() }, undefined, h.opts());
    expect(r.exit).toBe(0);
    // A snapshot taken on another machine, as its journal would record it.
    const read = await h.store.read(r.runId as string);
    const j = await h.store.reopen(r.runId as string, read);
    for (const e of events("/nowhere/app-20250101T000002Z-abcdef").slice(1)) {
      const { seq: _s, at: _a, prev: _p, ...body } = e;
      j.append(body as never);
    }
    await j.close();
    const refused = await rollbackRun(r.runId as string, {}, h.opts());
    expect(refused.exit).toBe(2);
    expect(h.said.join("\n")).toContain("refusing to roll back");
    expect(() => readFileSync(h.path("undo.txt"))).toThrow();
    const report = await inspectRun(h.store, r.runId as string, h.dir, h.opts().catalog);
    expect(report.snapshots).toEqual([
      {
        step: "backup",
        id: "app-20250101T000002Z-abcdef",
        where: expect.stringMatching(/:\/nowhere\/app-20250101T000002Z-abcdef\/dump$/),
        readableHere: false,
      },
    ]);
  });
});
