// snapshot.create asks the server's version, pg_dump --version and dumps side by side: each failure is still the
// one reported before, no tool outlives the step, no partial snapshot stays; the dump's hash is the file's sha256.
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type PostgresServer } from "../../../lab/postgres.js";
import { snapshotCreate } from "../../../src/builtins/snapshot/create.js";
import { digest } from "../../../src/builtins/snapshot/store.js";
import { sqlExec } from "../../../src/builtins/sql/exec.js";
import { testPostgres } from "../../support/postgres.js";
import { connections, failure, testContext } from "../context.js";

/** Processes whose command line mentions `text` (a tool this step left running would show here). */
function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(join("/proc", pid, "cmdline"), "utf8").replaceAll("\0", " ");
      if (cmd.includes(text)) out.push(`${pid}: ${cmd}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

describe("snapshot.create: preparations side by side, failures as before", () => {
  let pg: PostgresServer;
  let db: string;
  let root: string;

  beforeAll(async () => {
    pg = await testPostgres();
    db = await pg.createDatabase();
    root = mkdtempSync(join(tmpdir(), "rbx-snapshot-prep-"));
    const conns = connections({ db: ["postgres", { url: pg.url(db) }] });
    await sqlExec.run(testContext(conns), {
      statements: ["create table t as select g, md5(g::text) as h from generate_series(1, 200000) g"],
      timeout: "60s",
    });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("with a given binDir, a refused connection is the failure reported, and nothing is left behind", async () => {
    const dir = join(root, "refused");
    const port = await freePort();
    const url = pg.url(db).replace(`:${pg.port}/`, `:${port}/`);
    const conns = connections({ db: ["postgres", { url, snapshotsDir: dir, binDir: pg.binDir }] });
    const err = await failure(snapshotCreate.run(testContext(conns, { secrets: [pg.password] }), {}));
    expect(err.code).toBe("connection-refused");
    expect(err.message).toBe(`Connecting on connection "db" failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    mkdirSync(dir, { recursive: true });
    expect(readdirSync(dir)).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it("a pg_dump whose --version fails is reported as before, its dump stopped, no partial snapshot", async () => {
    const dir = join(root, "broken-version");
    const bin = join(root, "bin-broken-version");
    mkdirSync(bin, { recursive: true });
    // A pg_dump that dumps but cannot tell its version: the dump beside it must not outlive the failure.
    writeFileSync(
      join(bin, "pg_dump"),
      [
        "#!/bin/sh",
        'if [ "$1" = "--version" ]; then echo "pg_dump: error: no version here" >&2; exit 3; fi',
        `sleep 2; touch ${JSON.stringify(join(bin, "dumped"))}; exec "$0.real" "$@"`,
        "",
      ].join("\n"),
    );
    chmodSync(join(bin, "pg_dump"), 0o755);
    writeFileSync(join(bin, "pg_dump.real"), readFileSync(join(pg.binDir, "pg_dump")));
    chmodSync(join(bin, "pg_dump.real"), 0o755);
    const conns = connections({ db: ["postgres", { url: pg.url(db), snapshotsDir: dir, binDir: bin }] });
    const err = await failure(snapshotCreate.run(testContext(conns, { secrets: [pg.password] }), {}));
    expect(err.code).toBe("pg-dump-failed");
    expect(err.message).toBe("pg_dump failed: pg_dump: error: no version here (exit 3)");
    expect(readdirSync(dir)).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
    // The dump was stopped in its pause: it never went on, not even after the step ended.
    await new Promise((r) => setTimeout(r, 2500));
    expect(existsSync(join(bin, "dumped"))).toBe(false);
  });

  it("a binDir without pg_dump fails with pg-dump-not-found and its hint, no partial snapshot", async () => {
    const dir = join(root, "no-pg-dump");
    const bin = join(root, "bin-empty");
    mkdirSync(bin, { recursive: true });
    const conns = connections({ db: ["postgres", { url: pg.url(db), snapshotsDir: dir, binDir: bin }] });
    const err = await failure(snapshotCreate.run(testContext(conns, { secrets: [pg.password] }), {}));
    expect(err.code).toBe("pg-dump-not-found");
    expect(err.message).toContain(`${join(bin, "pg_dump")} not found`);
    expect(err.message).toContain("install the PostgreSQL client or set `binDir`");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("records the server's version and pg_dump's, with or without a given binDir", async () => {
    const dir = join(root, "versions");
    const given = connections({
      db: ["postgres", { url: pg.url(db), snapshotsDir: dir, binDir: pg.binDir }],
    });
    const found = connections({ db: ["postgres", { url: pg.url(db), snapshotsDir: dir }] });
    const env = { ...process.env, RBX_PG_BIN_DIR: undefined };
    const a = await snapshotCreate.run(testContext(given), {});
    const b = await snapshotCreate.run(testContext(found, { env }), {});
    for (const snap of [a, b]) {
      expect(snap.serverVersion).toMatch(/^\d+\.\d+/);
      expect(snap.pgDumpVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
      const manifest = JSON.parse(readFileSync(join(snap.path, "manifest.json"), "utf8"));
      expect(manifest.serverVersion).toBe(snap.serverVersion);
      expect(manifest.pgDumpVersion).toBe(snap.pgDumpVersion);
    }
    expect(a.serverVersion).toBe(b.serverVersion);
  });

  it("hashes a file of several read chunks to its sha256, and counts its size", async () => {
    const file = join(root, "blob");
    const bytes = randomBytes(9 * (1 << 20) + 12_345);
    writeFileSync(file, bytes);
    const { sha256, size } = await digest(file);
    expect(size).toBe(bytes.length);
    expect(sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    writeFileSync(file, "");
    expect(await digest(file)).toEqual({ sha256: createHash("sha256").digest("hex"), size: 0 });
  });
});
