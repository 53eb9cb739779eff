// The team verbs through the real CLI: choosing the store (--store, RBX_STORE, .rbx.yaml), `rbx store
// migrate|status|import`, `rbx approve`, `rbx runs --watch`, a store stopped mid-run, and the URL's password
// never shown — in output, errors, or the journal of a step that prints its environment.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../lab/postgres.js";
import { testPostgres } from "../support/postgres.js";
import { killAll, startRbx } from "./cli.js";

let dir: string;
let shared: PostgresServer;
const databases: string[] = [];
let http: Server;
let slowUrl: string;

async function database(): Promise<string> {
  const db = await shared.createDatabase();
  databases.push(db);
  return shared.url(db);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-team-cli-"));
  shared = await testPostgres();
  // A read step that takes a while: GET /slow answers after 1.5 s.
  http = createServer((req, res) => {
    setTimeout(() => res.end("ok"), req.url === "/slow" ? 1_500 : 0);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  slowUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/slow`;
  writeFileSync(
    join(dir, "gated.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: gated, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: gate
        action: approve
        with: { prompt: "Go?", approvers: { min: 1, notStarter: true } }
      - id: env
        action: exec
        with: { program: env }
`,
  );
  writeFileSync(
    join(dir, "slow.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: slow, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: wait
        action: http.check
        with: { url: "${slowUrl}", expect: { status: 200 } }
      - id: write
        action: exec
        with: { program: tee, args: ["-a", "${join(dir, "slow-out.txt")}"], input: "written\\n" }
`,
  );
});
afterAll(async () => {
  killAll();
  http?.close();
  for (const db of databases) await shared.dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

describe("choosing the store", () => {
  it("takes --store, RBX_STORE or `store:` in .rbx.yaml; a URL that is not postgres:// is refused", async () => {
    const url = await database();
    const cwd = mkdtempSync(join(dir, "config-"));
    writeFileSync(join(cwd, ".rbx.yaml"), `store: ${url}\nsnapshots: shared/snapshots\n`);
    const status = await startRbx(["store", "status"], { cwd });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^store: {4}postgres:\/\/postgres@127\.0\.0\.1:\d+\/t_\w+$/m);
    expect(status.stdout).toMatch(
      /^schema: {3}version 0 \(behind: this rbx knows \d+; run `rbx store migrate`\)$/m,
    );
    expect(status.stdout).not.toContain(shared.password);
    const migrated = await startRbx(["store", "migrate"], { cwd });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/applied version 1: runs, hash-chained events/);
    expect(migrated.stdout).toMatch(/applied version 2: /);
    expect((await startRbx(["store", "migrate"], { cwd })).stdout).toMatch(/schema version 2, up to date/);
    expect((await startRbx(["store", "status"], { cwd })).stdout).toMatch(
      /^schema: {3}version 2 \(current\)$/m,
    );
    const wrong = await startRbx(["runs", "--store", "mysql://x@y/z"], { cwd });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--store must be a postgres:// URL");
    const env = await startRbx(["runs"], { cwd: dir, env: { RBX_STORE: url } });
    expect(env.stdout).toMatch(/^no runs under postgres:\/\/postgres@127\.0\.0\.1:\d+\/t_\w+$/m);
    // "No such run" in the words every verb uses, naming the option that chooses a database store.
    for (const args of [
      ["status", "nope"],
      ["resume", "nope"],
      ["approve", "nope", "gate"],
    ]) {
      const none = await startRbx(args, { cwd: dir, env: { RBX_STORE: url } });
      expect(none.code, args[0]).toBe(2);
      expect(none.stderr, args[0]).toMatch(
        new RegExp(
          `^rbx ${args[0]}: no run "nope" under postgres://postgres@127\\.0\\.0\\.1:\\d+/t_\\w+: it holds no runs; give --store \\(or RBX_STORE\\) if they are kept elsewhere\n$`,
        ),
      );
    }
  });

  it("says clearly when the store cannot be reached — no stack trace, no password", async () => {
    const url = "postgres://rbx:hunter2-secret@127.0.0.1:1/rbx";
    for (const args of [["runs"], ["status"], ["run", "slow.rb.yaml"], ["store", "status"]]) {
      const r = await startRbx([...args, "--store", url], { cwd: dir });
      expect([1, 2]).toContain(r.code);
      expect(r.stderr).toContain("cannot reach the run store at postgres://rbx@127.0.0.1:1/rbx");
      expect(r.stderr).not.toContain("hunter2-secret");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("approvals from another operator", () => {
  it("a four-eyes step: the starter cannot approve, a colleague can from their own directory; the password never reaches the journal", async () => {
    const url = await database();
    const password = new URL(url).password;
    const a = mkdtempSync(join(dir, "alice-"));
    const b = mkdtempSync(join(dir, "bob-"));
    const gated = join(dir, "gated.rb.yaml");
    const started = await startRbx(["run", gated, "--approve", "gate"], {
      cwd: a,
      env: { RBX_STORE: url, RBX_USER: "alice" },
    });
    expect(started.code, started.stderr).toBe(3);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(started.stderr)?.[1] as string;
    expect(started.stderr).toContain("alice@");
    expect(started.stderr).toContain("gate must be approved by someone else");
    // The store tells people apart by their database role: the colleague logs in with a role of their own.
    const role = `bob_${Math.random().toString(16).slice(2, 8)}`;
    const admin2 = new pg.Client({ connectionString: url });
    await admin2.connect();
    try {
      await admin2.query(`CREATE ROLE ${role} LOGIN PASSWORD 'bob-pw'`);
      await admin2.query(`GRANT rbx_approver TO ${role}`);
    } finally {
      await admin2.end();
    }
    const bobUrl = new URL(url);
    bobUrl.username = role;
    bobUrl.password = "bob-pw";
    try {
      const selfApproval = await startRbx(["approve", runId, "gate"], {
        cwd: a,
        env: { RBX_STORE: url, RBX_USER: "alice" },
      });
      expect(selfApproval.code).toBe(2);
      expect(selfApproval.stderr).toContain("started this run, and gate must be approved by someone else");
      const approved = await startRbx(["approve", runId, "gate"], {
        cwd: b,
        env: { RBX_STORE: bobUrl.toString(), RBX_USER: "bob" },
      });
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stderr).toMatch(new RegExp(`approved by bob@\\S+ as ${role}`));
      const resumed = await startRbx(["resume", runId], {
        cwd: a,
        env: { RBX_STORE: url, RBX_USER: "alice" },
      });
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = await startRbx(["report", runId, "--format", "json"], {
        cwd: b,
        env: { RBX_STORE: url },
      });
      expect(report.stdout).toContain(`bob@`);
      // `env` printed the step's environment: neither the store URL nor its password is in it.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = await client.query<{ line: string }>("SELECT line FROM rbx.events WHERE run_id = $1", [
          runId,
        ]);
        const text = rows.rows.map((r) => r.line).join("\n");
        expect(text).toContain('"step":"env"');
        expect(text).not.toContain(password);
        expect(text).not.toContain("bob-pw");
        expect(text).not.toContain("RBX_STORE=");
      } finally {
        await client.end();
      }
    } finally {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP ROLE ${role}`).catch(() => {});
      await c.end();
    }
  });
});

describe("snapshots for a team", () => {
  it("a dump goes where `snapshots:` says; status shows where; a rollback elsewhere is refused until it can read it", async () => {
    const url = await database();
    const appUrl = await database();
    const client = new pg.Client({ connectionString: appUrl });
    await client.connect();
    try {
      await client.query(
        "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'kept')",
      );
    } finally {
      await client.end();
    }
    const a = mkdtempSync(join(dir, "snap-a-"));
    const b = mkdtempSync(join(dir, "snap-b-"));
    writeFileSync(join(a, ".rbx.yaml"), `store: ${url}\nsnapshots: shared/snapshots\n`);
    const runbook = join(dir, "snap.rb.yaml");
    writeFileSync(
      runbook,
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: snap, version: 1.0.0 }
params:
  databaseUrl: { type: secret, from: env.APP_DB_URL }
connections:
  db: { kind: postgres, url: "\${{ params.databaseUrl }}" }
phases:
  - id: backup
    steps:
      - id: backup
        action: snapshot.create
        with: { connection: db, label: team }
  - id: change
    rollback:
      - action: exec
        with: { program: "true" }
    steps:
      - id: gate
        action: approve
        with: { prompt: "Go?" }
`,
    );
    const env = { APP_DB_URL: appUrl, RBX_USER: "alice" };
    const run = await startRbx(["run", runbook], { cwd: a, env });
    expect(run.code, run.stderr).toBe(3);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(run.stderr)?.[1] as string;
    const statusIn = async (cwd: string, extra: Record<string, string>) => {
      const r = await startRbx(["status", runId, "--json"], { cwd, env: { RBX_STORE: url, ...extra } });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { snapshots: { id: string; where: string; readableHere: boolean }[] })
        .snapshots;
    };
    const [snap] = await statusIn(a, {});
    expect(snap?.where).toMatch(new RegExp(`:${join(a, "shared", "snapshots").replaceAll("/", "\\/")}/`));
    expect(snap?.readableHere).toBe(true);
    expect(existsSync(join(a, "shared", "snapshots", snap?.id as string))).toBe(true);
    // Another machine: A's dump is not there (moved away), B has no copy of it.
    const share = join(dir, "snap-share");
    renameSync(join(a, "shared", "snapshots"), share);
    expect((await statusIn(b, {}))[0]?.readableHere).toBe(false);
    // Refused before anything ran: nothing was appended to the run's journal.
    const count = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const r = await c.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM rbx.events WHERE run_id = $1",
          [runId],
        );
        return r.rows[0]?.n;
      } finally {
        await c.end();
      }
    };
    const before = await count();
    const refused = await startRbx(["rollback", runId], { cwd: b, env: { ...env, RBX_STORE: url } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`cannot read snapshot ${snap?.id}`);
    expect(refused.stderr).toContain("refusing to roll back");
    expect(await count()).toBe(before);
    // With the share mounted where B looks for snapshots, the rollback goes ahead.
    const rolled = await startRbx(["rollback", runId], {
      cwd: b,
      env: { ...env, RBX_STORE: url, RBX_SNAPSHOTS_DIR: share },
    });
    expect(rolled.code, rolled.stderr).toBe(0);
  });
});

describe("rbx runs --watch", () => {
  it("prints every run's events as they are committed, prefixed by the run id, until Ctrl-C", async () => {
    const url = await database();
    let watching: import("node:child_process").ChildProcess | undefined;
    const watcher = startRbx(["runs", "--watch"], {
      cwd: dir,
      env: { RBX_STORE: url },
      onStderr: (text, child) => {
        if (text.includes("watching")) watching = child;
      },
    });
    for (let i = 0; i < 200 && !watching; i++) await new Promise((res) => setTimeout(res, 50));
    expect(watching).toBeDefined();
    const r = await startRbx(["run", "slow.rb.yaml"], { cwd: dir, env: { RBX_STORE: url } });
    expect(r.code, r.stderr).toBe(0);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(r.stderr)?.[1] as string;
    // Bounded: the notices arrive well within a second on loopback.
    await new Promise((res) => setTimeout(res, 1_500));
    if (watching?.pid) process.kill(watching.pid, "SIGINT");
    const ended = await watcher;
    const seen = ended.stdout;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(/^watching postgres:\/\/postgres@/m);
    expect(seen).toContain(`${runId}  `);
    expect(seen).toMatch(new RegExp(`^${runId} {2}\\S+Z {2}✓ wait`, "m"));
    expect(seen).toMatch(new RegExp(`^${runId} {2}\\S+Z {2}✓ run ${runId} completed`, "m"));
  });
});

describe("a store stopped mid-run", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.stop());

  it("stops the run before its next action with a clear error, and `rbx resume` completes it once it is back", async () => {
    const url = server.url();
    const out = join(dir, "slow-out.txt");
    rmSync(out, { force: true });
    // Stop the server in the middle of the first action, once its start is committed.
    let downed: Promise<void> | undefined;
    const committed = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        for (let i = 0; i < 200; i++) {
          const n = await c
            .query("SELECT 1 FROM rbx.events WHERE type = 'step.started'")
            .catch(() => ({ rowCount: 0 }));
          if ((n.rowCount ?? 0) > 0) return;
          await new Promise((res) => setTimeout(res, 10));
        }
      } finally {
        await c.end();
      }
    };
    const r = await startRbx(["run", "slow.rb.yaml"], {
      cwd: dir,
      env: { RBX_STORE: url },
      onStderr: (text) => {
        if (!downed && text.includes("… wait")) downed = committed().then(() => server.stopServer?.());
      },
    });
    await downed;
    expect(r.code, r.stderr).toBe(3);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(r.stderr)?.[1] as string;
    expect(r.stdout.trim()).toBe(`${runId} store-unreachable`);
    expect(r.stderr).toContain(`error: run ${runId} stopped before its next action`);
    expect(r.stderr).toContain("cannot reach the run store at postgres://postgres@127.0.0.1:");
    expect(r.stderr).toContain(`\`rbx resume ${runId}\` continues it once the store answers again`);
    expect(r.stderr).not.toContain(server.password);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(out)).toThrow();
    await server.startServer?.();
    const resumed = await startRbx(["resume", runId], { cwd: dir, env: { RBX_STORE: url } });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("written\n");
    const status = await startRbx(["status", runId], { cwd: dir, env: { RBX_STORE: url } });
    expect(status.stdout).toContain("journal:   verified");
    expect(status.stdout).toContain("state:     completed");
  });
});

describe("rbx store import", () => {
  it("moves a state directory's journals into the store, verifying each first", async () => {
    const url = await database();
    const cwd = mkdtempSync(join(dir, "import-"));
    const r = await startRbx(["run", join(dir, "slow.rb.yaml"), "--state-dir", "old"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const imported = await startRbx(["store", "import", "old", "--store", url], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^\d{8}-\d{6}-[0-9a-f]+ {2}imported {2}\d+ events, completed$/m);
    const runs = await startRbx(["runs", "--store", url], { cwd });
    expect(runs.stdout).toMatch(/completed\s+slow 1\.0\.0/);
    expect((await startRbx(["runs", "--state-dir", "old"], { cwd })).stdout).toMatch(/^no runs under /);
  });
});
