// The CLI session in process: resources shared by a run's steps are released when the verb returns, and a
// release that fails is a redacted warning that never changes the run's result.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { actions } from "../../src/builtins/index.js";
import type { CliIO } from "../../src/cli/io.js";
import { type StoreChoice, storeChoice } from "../../src/cli/operator.js";
import { cliSession } from "../../src/cli/operator-session.js";
import { type AnyAction, catalogOf, defineAction } from "../../src/contract/action.js";
import { T } from "../../src/contract/cel-types.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { FileRunStore } from "../../src/run/store/file-store.js";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { testPostgres } from "../support/postgres.js";

/** The CLI's session over a file store in `stateDir`, as `rbx run --state-dir` builds it. */
function fileSession(cli: CliIO, stateDir: string) {
  const choice = storeChoice(cli, { stateDir }) as StoreChoice;
  const store = new FileRunStore(choice.stateDir);
  return cliSession(cli, store, choice, { stateDir }, new AbortController().signal, () => "SIGINT");
}

let dir: string;
let server: PostgresServer;
beforeAll(async () => {
  server = await testPostgres();
  dir = mkdtempSync(join(tmpdir(), "rbx-resources-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** CLI streams that keep what was written (not terminals). */
function io(env: Record<string, string>) {
  const capture = () => {
    const s = new PassThrough();
    let text = "";
    s.on("data", (d) => (text += d));
    return Object.assign(s, { text: () => text });
  };
  return {
    stdout: capture(),
    stderr: capture(),
    env: { PATH: process.env.PATH, RBX_USER: "tester", ...env },
    cwd: dir,
  };
}

/** Appends a line through a file handle opened once per run; its release writes "released" and may fail. */
const sharedFile = defineAction<{ path: string; line: string; failRelease?: string }, { fd: number }>({
  name: "test.sharedFile",
  effect: "read",
  summary: "append through a file handle shared by the run",
  input: {
    type: "object",
    additionalProperties: false,
    required: ["path", "line"],
    properties: { path: { type: "string" }, line: { type: "string" }, failRelease: { type: "string" } },
  },
  output: T.object("test.sharedFile.output", { fd: T.int }),
  plan: (args) => [{ kind: "note", text: `append to ${args.path}` }],
  async run(ctx, args) {
    if (!ctx.resources) throw new Error("no run resources in the context");
    const handle = await ctx.resources.get(
      `file:${args.path}:${args.failRelease ? "failing" : "ok"}`,
      () => open(args.path, "a"),
      async (fh) => {
        await fh.write("released\n");
        await fh.close();
        if (args.failRelease) throw new Error(args.failRelease);
      },
    );
    await handle.write(`${args.line}\n`);
    return { fd: handle.fd };
  },
});

describe("run resources", () => {
  it("shares one pg pool between the sql steps of a run and closes it when the run ends", async () => {
    const db = await server.createDatabase();
    writeFileSync(
      join(dir, "pool.rb.yaml"),
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: pool, version: 1.0.0 }
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
      - id: second
        action: sql.query
        with: { sql: "select pg_backend_pid() as pid" }
`,
    );
    const cli = io({ TEST_DB_URL: server.url(db) });
    const opts = fileSession(cli, "pool-state");
    const r = await startRun(join(dir, "pool.rb.yaml"), { cli: new Map() }, undefined, opts);
    expect(r.exit, cli.stderr.text()).toBe(0);
    const runs = readdirSync(join(dir, "pool-state", "runs")).filter((n) => n.endsWith(".jsonl"));
    const pids = readJournalFile(join(dir, "pool-state", "runs", runs[0] as string))
      .events.filter((e) => e.type === "step.succeeded")
      .map((e) => (e.output as { rows: { pid: number }[] }).rows[0]?.pid);
    expect(pids).toHaveLength(2);
    expect(pids[1]).toBe(pids[0]);
    // This process is still alive: an idle pool would keep its session open for 10 s; the run closed it.
    const client = new pg.Client({ connectionString: server.url(db) });
    await client.connect();
    try {
      let left = -1;
      for (let i = 0; i < 30 && left !== 0; i++) {
        if (i > 0) await new Promise((res) => setTimeout(res, 100));
        const q = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [db],
        );
        left = q.rows[0]?.n ?? -1;
      }
      expect(left).toBe(0);
    } finally {
      await client.end();
    }
  });

  it("releases every resource once at the end; a failed release is a redacted warning, not a failure", async () => {
    const out = join(dir, "shared.txt");
    writeFileSync(
      join(dir, "files.rb.yaml"),
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: files, version: 1.0.0 }
params:
  token: { type: secret, from: env.TOKEN }
phases:
  - id: work
    steps:
      - id: one
        action: test.sharedFile
        with: { path: "${out}", line: "one" }
      - id: two
        action: test.sharedFile
        with: { path: "${out}", line: "two" }
      - id: three
        action: test.sharedFile
        with: { path: "${out}", line: "three", failRelease: "cannot release with token \${{ params.token }}" }
`,
    );
    const cli = io({ TOKEN: "tok-5ecret" });
    const opts = {
      ...fileSession(cli, "file-state"),
      catalog: catalogOf([...actions, sharedFile as AnyAction]),
    };
    const r = await startRun(join(dir, "files.rb.yaml"), { cli: new Map() }, undefined, opts);
    expect(r).toMatchObject({ exit: 0, status: "completed" });
    // One handle for steps one and two, another for three; each released exactly once, newest first.
    expect(readFileSync(out, "utf8").split("\n").filter(Boolean)).toEqual([
      "one",
      "two",
      "three",
      "released",
      "released",
    ]);
    const stderr = cli.stderr.text();
    expect(stderr).toContain(
      "warning: could not release a resource of the run: cannot release with token ***",
    );
    expect(stderr).not.toContain("tok-5ecret");
    expect(stderr.indexOf("✓ run")).toBeLessThan(stderr.indexOf("warning: could not release"));
  });
});
