// Two operators, two working directories, one PostgreSQL run store, one lab: the Kryton runbook (helm method)
// and a small fencing runbook against the same release. Each test builds on the release the one before left.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { testPostgres } from "../support/postgres.js";
import {
  getJson,
  type Lab,
  labChart,
  labParams,
  releaseSettled,
  runIdOf,
  sql,
  startLab,
  stopLab,
} from "./support/lab.js";
import { type Ended, killLiveRbx, type RbxOptions, REPO, rbx } from "./support/rbx.js";

const RUNBOOK = join(REPO, "runbooks", "kryton.rb.yaml");
const BROKEN = "4.6.6-broken-migration";

let lab: Lab;
let server: PostgresServer;
let database: string;
let store: string;

beforeAll(async () => {
  server = await testPostgres();
  database = await server.createDatabase();
  store = server.url(database);
  lab = await startLab("kryton");
}, 600_000);
afterAll(async () => {
  killLiveRbx();
  await stopLab(lab);
  await server.dropDatabase(database);
});

/** An operator's working directory: their own state directory, sharing the PostgreSQL store (or not). */
function operator(name: string, user: string, withStore = true) {
  return (args: string[], extra: Partial<RbxOptions> = {}): Promise<Ended> => {
    const cwd = join(lab.dir, name);
    mkdirSync(cwd, { recursive: true });
    return rbx(args, {
      cwd,
      timeoutMs: 600_000,
      ...extra,
      env: {
        ...lab.env,
        RBX_USER: user,
        ...(withStore ? { RBX_STORE: store } : {}),
        ...(extra.env ?? {}),
      },
    });
  };
}
const alice = operator("alice", "alice");
const bob = operator("bob", "bob");
const carol = operator("carol-files", "carol", false);

/** `rbx run` of the Kryton runbook: lab params, absolute paths (each operator works in their own directory). */
function kryton(params: Record<string, string>, approveAll = true): string[] {
  const args = ["run", RUNBOOK, "--params-file", join(REPO, labParams("kryton"))];
  if (approveAll) args.push("--approve-all");
  const version = params.targetVersion ?? "4.6.5";
  const all = {
    chart: labChart(lab, `kryton-${params.chartVersion ?? version}.tgz`),
    migrationsDir: join(REPO, "lab", "products", "kryton", "migrations", params.chartVersion ?? version),
    rolloutTimeout: "60s",
    ...params,
  };
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return args;
}

const helmRevisions = (): { revision: number; status: string }[] =>
  JSON.parse(
    execFileSync("helm", ["history", "kryton", "-n", "kryton", "-o", "json"], {
      env: lab.env,
      encoding: "utf8",
    }),
  );
const status = async (who: typeof alice, runId: string) =>
  JSON.parse((await who(["status", runId, "--json"])).stdout) as Record<string, unknown> & {
    status: string;
    locks: { label: string; holder: string; state: string }[];
  };
const served = async () => (await getJson(`${lab.env.KRYTON_URL}/api/version`)).body;

describe("two operators sharing a PostgreSQL run store", () => {
  let halted: string;

  it("a run halted in A holds the target: B (same store) and an installation with a file store are refused", async () => {
    const first = await alice(kryton({}, false));
    expect(first.code, first.stderr).toBe(3);
    halted = runIdOf(first);
    // The Lease at the target, as kubectl shows it to anyone on the cluster.
    const leases = execFileSync("kubectl", ["get", "leases", "-n", "kryton"], {
      env: lab.env,
      encoding: "utf8",
    });
    expect(leases).toMatch(new RegExp(`rbx-kubernetes-[0-9a-f]{16}\\s+rbx run ${halted}`));
    const second = await bob(kryton({}));
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`is held by halted run ${halted}, halted at step changelog by alice@\\S+ as postgres at `),
    );
    const elsewhere = await carol(kryton({}));
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`held by halted run ${halted}`);
    expect(elsewhere.stderr).toMatch(/journal in postgres:\/\/postgres@127\.0\.0\.1:\d+\//);
    expect(elsewhere.stderr).not.toContain(server.password);
    expect(helmRevisions()).toHaveLength(1);
    const st = await status(bob, halted);
    expect(st.status).toBe("halted");
    expect(st.locks.map((l) => l.state)).toEqual([
      expect.stringMatching(/^kept: held by halted run \S+, halted at step changelog by alice@/),
      expect.stringMatching(/^kept: held by halted run \S+, halted at step changelog by alice@/),
    ]);
  }, 600_000);

  it("B approves and resumes A's run to completion while `status --follow` in B shows its steps live", async () => {
    let printed = "";
    let helmUpgradeShownAt = 0;
    const follow = bob(["status", halted, "--follow"], {
      onStdout: (text) => {
        printed += text;
        if (!helmUpgradeShownAt && /✓ helmUpgrade/.test(printed)) helmUpgradeShownAt = Date.now();
      },
    });
    const approved = await bob(["approve", halted, "changelog"]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain(`step changelog of run ${halted} approved by bob@`);
    const resumed = await bob(["resume", halted]);
    const resumedAt = Date.now();
    expect(resumed.code, resumed.stderr).toBe(0);
    const followed = await follow;
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain(`following run ${halted}`);
    expect(followed.stdout).toMatch(/✓ helmUpgrade/);
    expect(followed.stdout).toMatch(/resumed by bob@\S+ as postgres/);
    expect(followed.stdout).toContain(`run ${halted} completed`);
    // Live: the follower printed the upgrade as it happened, while the resume was still verifying.
    expect(helmUpgradeShownAt).toBeGreaterThan(0);
    expect(helmUpgradeShownAt).toBeLessThan(resumedAt);
    expect(await served()).toMatchObject({ version: "4.6.5" });
    expect(helmRevisions()).toHaveLength(2);
    const report = (await alice(["report", halted, "--format", "json"])).stdout;
    expect(report).toContain('"by": "bob@');
  }, 900_000);

  let winner = "";

  it("two runs started at once: one upgrades, the other is refused naming it; a file-store run is refused by the Lease; helm shows one upgrade", async () => {
    const before = helmRevisions().length;
    const params = { targetVersion: BROKEN, chartVersion: BROKEN, releaseMigrations: "additive" };
    let started = "";
    let elsewhere: Promise<Ended> | undefined;
    const onStderr = (text: string) => {
      const m = /run (\d{8}-\d{6}-[0-9a-f]+) started|run (\d{8}-\d{6}-[0-9a-f]+):/.exec(text);
      if (!started && m) {
        started = (m[1] ?? m[2]) as string;
        // While it runs, an installation with its own (file) store tries the same release.
        elsewhere = carol(kryton(params));
      }
    };
    const [a, b] = await Promise.all([
      alice(kryton(params), { onStderr }),
      bob(kryton(params), { onStderr }),
    ]);
    const ran = [a, b].filter((r) => r.code !== 2);
    const refused = [a, b].filter((r) => r.code === 2);
    expect(ran, `${a.stderr}\n${b.stderr}`).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // The broken release's migration never completes: the run halts for investigation (002).
    expect(ran[0]?.code, ran[0]?.stderr).toBe(3);
    winner = runIdOf(ran[0] as Ended);
    expect(refused[0]?.stderr).toMatch(
      new RegExp(`locked by run ${winner}, still running \\(pid \\d+ on \\S+ by (alice|bob)`),
    );
    expect(refused[0]?.stderr).toContain("still running");
    const other = await elsewhere;
    expect(other?.code).toBe(2);
    expect(other?.stderr).toContain(`is held by run ${winner} by `);
    expect(other?.stderr).toContain("still running");
    expect(helmRevisions()).toHaveLength(before + 1);
  }, 900_000);

  it("SIGKILL of the driver mid-rollback, then B resumes it after the lease ran out: the in-doubt step is probed", async () => {
    // Killed once the helm.rollback step's start is committed to the store (the view may print it a moment
    // before): the step is then in doubt, whatever helm got to do.
    const rollbacksStarted = async () =>
      (
        await sql<{ n: number }>(
          store,
          `SELECT count(*)::int AS n FROM rbx.events WHERE run_id = $1 AND type = 'step.started'
             AND line LIKE '%"action":"helm.rollback"%'`,
          [winner],
        )
      )[0]?.n ?? 0;
    const before = await rollbacksStarted();
    let seen = "";
    let killing = false;
    const killed = await alice(["rollback", winner], {
      onStderr: (text, child) => {
        seen += text;
        if (killing || !/… rollback:upgrade\/\S+ helm\.rollback/.test(seen)) return;
        killing = true;
        void (async () => {
          for (let i = 0; i < 250 && (await rollbacksStarted()) === before; i++)
            await new Promise((r) => setTimeout(r, 20));
          child.kill("SIGKILL");
        })();
      },
      env: { RBX_LEASE_SECONDS: "4" },
    });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await releaseSettled(lab, "kryton", "kryton")).not.toMatch(/^pending-/);
    const continued = await bob(["resume", winner]);
    expect(continued.code, continued.stderr).toBe(0);
    expect(continued.stderr).toMatch(/\? rollback:upgrade\/\S+ (was in doubt; its probe says|postcondition)/);
    expect((await status(bob, winner)).status).toBe("rolled-back");
    expect(await served()).toMatchObject({ version: "4.6.5" });
  }, 900_000);

  it("fencing: SIGSTOP a run, force-unlock and start another from B, SIGCONT the first: it records that and does nothing more", async () => {
    execFileSync(
      "kubectl",
      ["create", "configmap", "rbx-fencing", "-n", "kryton", "--from-literal=by=nobody"],
      {
        env: lab.env,
      },
    );
    const runbook = join(lab.dir, "fence.rb.yaml");
    writeFileSync(
      runbook,
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: fence, version: 1.0.0 }
params:
  who: { type: string }
  holdSeconds: { type: int, default: 0 }
connections:
  cluster: { kind: kubernetes, namespace: kryton }
phases:
  - id: change
    steps:
      - id: hold
        action: exec
        with: { program: "${process.execPath}", args: ["-e", "setTimeout(() => {}, \${{ string(params.holdSeconds * 1000) }})"] }
      - id: mark
        action: kubectl.patch
        with: { kind: ConfigMap, name: rbx-fencing, patch: { data: { by: "\${{ params.who }}" } } }
`,
    );
    // Stop the first run in the middle of its first action: once its start is committed to the store.
    let stopped = 0;
    let seen = "";
    const first = alice(["run", runbook, "--param", "who=alice", "--param", "holdSeconds=3"], {
      onStderr: (text, child) => {
        seen += text;
        const runId = /run (\d{8}-\d{6}-[0-9a-f]+):/.exec(seen)?.[1];
        if (stopped || !runId || !/… hold/.test(seen) || !child.pid) return;
        stopped = -1;
        void (async () => {
          for (let i = 0; i < 100; i++) {
            const rows = await sql<{ n: number }>(
              store,
              "SELECT count(*)::int AS n FROM rbx.events WHERE run_id = $1 AND type = 'step.started'",
              [runId],
            );
            if ((rows[0]?.n ?? 0) > 0) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          process.kill(child.pid as number, "SIGSTOP");
          stopped = child.pid as number;
        })();
      },
    });
    for (let i = 0; i < 600 && stopped <= 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBeGreaterThan(0);
    const second = await bob(["run", runbook, "--param", "who=bob", "--force-unlock"]);
    expect(second.code, second.stderr).toBe(0);
    process.kill(stopped, "SIGCONT");
    const fenced = await first;
    expect(fenced.code, fenced.stderr).toBe(3);
    expect(fenced.stderr).toMatch(/lost its locks .* and stopped before its next action/);
    const by = execFileSync(
      "kubectl",
      ["get", "configmap", "rbx-fencing", "-n", "kryton", "-o", "jsonpath={.data.by}"],
      {
        env: lab.env,
        encoding: "utf8",
      },
    );
    expect(by).toBe("bob");
    const firstId = runIdOf(fenced);
    const report = await bob(["report", firstId, "--format", "json"]);
    expect(report.code, report.stderr).toBe(0);
    const journal = JSON.parse(report.stdout) as { notes: string[] };
    expect(journal.notes.join("\n")).toContain(
      `run ${runIdOf(second)} took over its locks (--force-unlock by bob@`,
    );
    expect(journal.notes.join("\n")).toMatch(/found it no longer held the locks and stopped/);
    const st = await status(alice, firstId);
    expect(st.status).toBe("halted");
    const steps = JSON.stringify(st);
    expect(steps).not.toContain('"key":"mark"');
  }, 600_000);
});
