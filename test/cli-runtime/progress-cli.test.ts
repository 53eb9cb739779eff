// What `rbx run` shows while it works, through the real CLI against the shared PostgreSQL: NDJSON with
// --json, plain lines tagged with the step that reported progress, and one pg pool per run, closed at the end.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { testPostgres } from "../support/postgres.js";
import { killAll, startRbx } from "./cli.js";

let dir: string;
let server: PostgresServer;

// Three sql steps: the first and last report the backend they ran on; the middle one reports progress.
const POOLED = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: pooled, version: 1.0.0 }
params:
  dbUrl: { type: secret, from: env.TEST_DB_URL }
connections:
  db: { kind: postgres, url: "\${{ params.dbUrl }}" }
phases:
  - id: work
    steps:
      - id: first
        action: sql.query
        with: { sql: "select pg_backend_pid() as pid" }
      - id: slow
        action: sql.exec
        with: { statements: ["select pg_sleep(0.2)", "create table marks (n int)"] }
      - id: second
        action: sql.query
        with:
          sql: >-
            select pg_backend_pid() as pid,
              (select count(*) from pg_stat_activity where datname = current_database())::int as sessions
`;

// An approval between two writes: the run halts waiting for it until `rbx resume --approve gate`.
const GATED = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: gated, version: 1.0.0 }
phases:
  - id: work
    steps:
      - id: before
        action: exec
        with: { program: tee, args: ["-a", "out.txt"], input: "before\\n" }
      - id: gate
        action: approve
        with: { prompt: "Is the maintenance window open?" }
      - id: after
        action: exec
        with: { program: tee, args: ["-a", "out.txt"], input: "after\\n" }
`;

beforeAll(async () => {
  server = await testPostgres();
  dir = mkdtempSync(join(tmpdir(), "rbx-progress-cli-"));
  writeFileSync(join(dir, "pooled.rb.yaml"), POOLED);
  writeFileSync(join(dir, "gated.rb.yaml"), GATED);
});
afterAll(async () => {
  killAll();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sessions other than the asking one on `db`, polled until none is left (closing is asynchronous). */
async function sessionsLeft(db: string): Promise<number> {
  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  try {
    let n = -1;
    for (let i = 0; i < 50; i++) {
      const r = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [db],
      );
      n = r.rows[0]?.n ?? -1;
      if (n === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    return n;
  } finally {
    await client.end();
  }
}

const journalIn = (state: string) => {
  const runs = readdirSync(join(dir, state, "runs")).filter((n) => n.endsWith(".jsonl"));
  expect(runs).toHaveLength(1);
  return readJournalFile(join(dir, state, "runs", runs[0] as string));
};

type Line = { type: string; seq?: number; step?: string; message?: string; [k: string]: unknown };

describe("rbx run --json", () => {
  it("writes every journal event as one JSON line on stdout, and the human view on stderr", async () => {
    const db = await server.createDatabase();
    const r = await startRbx(["run", "pooled.rb.yaml", "--json", "--state-dir", "s-json"], {
      cwd: dir,
      env: { TEST_DB_URL: server.url(db) },
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    // Exactly the journal, in order, as journaled; plus progress and log lines without a seq.
    const journal = journalIn("s-json");
    expect(journal.problems).toEqual([]);
    expect(lines.filter((l) => l.seq !== undefined)).toEqual(journal.events);
    expect(lines[0]?.type).toBe("run.started");
    expect(lines.filter((l) => l.seq !== undefined).at(-1)?.type).toBe("run.completed");
    const progress = lines.filter((l) => l.type === "step.progress");
    expect(progress.map((l) => `${l.step}: ${l.message}`)).toEqual([
      "slow: statement 1/2",
      "slow: statement 2/2",
    ]);
    expect(lines).toContainEqual(expect.objectContaining({ type: "step.log", step: "first", level: "info" }));
    // No "RUN STATUS" line and no human text on stdout; the password is masked everywhere.
    expect(r.stdout).not.toContain("✓");
    expect(r.stdout).not.toContain(server.password);
    expect(r.stderr).not.toContain(server.password);
    expect(r.stderr).toMatch(/^\S+Z {2}✓ first \d+ms$/m);
    expect(r.stderr).toMatch(/^\S+Z {2}✓ run \S+ completed$/m);
    expect(r.stderr).not.toContain('"seq"');
  });
});

describe("rbx run without a terminal", () => {
  it("prints progress as plain lines tagged with the step, and shares one pg pool per run", async () => {
    const db = await server.createDatabase();
    const r = await startRbx(["run", "pooled.rb.yaml", "--state-dir", "s-plain"], {
      cwd: dir,
      env: { TEST_DB_URL: server.url(db), NO_COLOR: "1" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4} completed\n$/);
    expect(r.stderr).not.toContain("\u001b[");
    expect(r.stderr).toMatch(/^\S+Z {4}slow waiting for: statement 1\/2$/m);
    expect(r.stderr).toMatch(/^\S+Z {4}slow waiting for: statement 2\/2$/m);
    expect(r.stderr).toMatch(/^\S+Z {4}first 1 row\(s\)$/m);
    // The view writes a turn's lines at once; what the session says comes after the lines before it.
    const all = r.stderr.trimEnd().split("\n");
    const started = all.findIndex((l) => /Z {2}run \S+: /.test(l));
    expect(started).toBeGreaterThanOrEqual(0);
    expect(all[started + 1]).toMatch(/^journal in /);
    expect(all[started + 2]).toMatch(/Z {2}✓ guards passed$/);
    for (const line of r.stderr
      .trimEnd()
      .split("\n")
      .filter((l) => !l.startsWith("journal in "))) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}/);
    }
    // Both queries ran on the same server session: the pool outlived the steps, not the run.
    const outputs = new Map(
      journalIn("s-plain")
        .events.filter((e) => e.type === "step.succeeded")
        .map((e) => [e.step, e.output as { rows: { pid: number; sessions?: number }[] }]),
    );
    const first = outputs.get("first")?.rows[0];
    const second = outputs.get("second")?.rows[0];
    expect(typeof first?.pid).toBe("number");
    expect(second?.pid).toBe(first?.pid);
    expect(second?.sessions).toBe(1);
    // And the run closed it when it ended.
    expect(await sessionsLeft(db)).toBe(0);
  });
});

describe("rbx resume", () => {
  it("names the run it resumed, prints the way out once after each halt, and streams only new events", async () => {
    const first = await startRbx(["run", "gated.rb.yaml", "--state-dir", "s-gate"], { cwd: dir });
    expect(first.code, first.stderr).toBe(3);
    const runId = first.stdout.split(" ")[0] as string;
    const approve = `rbx resume ${runId} --approve gate --state-dir s-gate`;
    expect(first.stderr.split(approve)).toHaveLength(2);
    expect(first.stderr).toContain("the lock on its targets is kept until the run is resumed or rolled back");

    const again = await startRbx(["resume", runId, "--state-dir", "s-gate"], { cwd: dir });
    expect(again.code, again.stderr).toBe(3);
    expect(again.stderr).toMatch(new RegExp(`^\\S+Z {2}run ${runId} resumed by tester@`, "m"));
    expect(again.stderr).toMatch(
      new RegExp(`^\\S+Z {2}■ run ${runId} halted \\(waiting-for-approval\\) at gate`, "m"),
    );
    expect(again.stderr.split(approve)).toHaveLength(2);

    const before = journalIn("s-gate").events.length;
    const done = await startRbx(["resume", runId, "--approve", "gate", "--json", "--state-dir", "s-gate"], {
      cwd: dir,
    });
    expect(done.code, done.stderr).toBe(0);
    const events = done.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.seq !== undefined);
    expect(events[0]).toMatchObject({ type: "run.resumed", seq: before + 1 });
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(done.stderr).toMatch(new RegExp(`^\\S+Z {2}✓ run ${runId} completed$`, "m"));
  });
});
