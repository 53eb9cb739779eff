// snapshot.create and snapshot.restore through `rbx run`, against raw `pg_dump -Fc` and `pg_restore` of the same
// database (~300 MB, built by the bench on a private PostgreSQL server), whole processes, interleaved.
// Alone: `npm run build && node bench/snapshot-bench.js [--quick]`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres } from "../dist/lab/postgres.js";
import { standalone } from "./figures.js";
import { compareProcesses, median, pairedRatio } from "./timing.js";

const rbx = fileURLToPath(new URL("../bin/rbx.js", import.meta.url));

/** The figures this file measures, with their targets (issue 20). */
export const figures = [
  {
    id: "snapshot-create",
    title: "rbx snapshot.create vs pg_dump -Fc (~300 MB database)",
    target: { op: "<=", value: 1.1 },
  },
  {
    id: "snapshot-restore",
    title: "rbx snapshot.restore vs pg_restore (~300 MB database)",
    target: { op: "<=", value: 1.3 },
  },
];

/** A runbook of one snapshot step against the database whose URL is in BENCH_DATABASE_URL. */
function snapshotRunbook(step) {
  return [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: bench-snapshot, version: 1.0.0 }",
    "params:",
    "  databaseUrl: { type: secret, from: env.BENCH_DATABASE_URL }",
    "connections:",
    '  db: { kind: postgres, url: "${{ params.databaseUrl }}" }',
    "phases:",
    "  - id: only",
    "    steps:",
    `      - ${step}`,
    "",
  ].join("\n");
}

/** Run `program` to its end; throws with its stderr when it fails. */
function must(program, args, options) {
  const r = spawnSync(program, args, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) throw new Error(`${program} ${args.join(" ")} failed: ${r.stderr?.slice(-400)}`);
  return r.stdout;
}

/**
 * Builds the database (tables of text and numbers, an index), then per round, in rotated order: `rbx run` of
 * snapshot.create and `pg_dump -Fc`; then `rbx run` of snapshot.restore (recreate mode: drop, create, restore in
 * one transaction) and the same by hand (`dropdb`, `createdb`, `pg_restore --single-transaction`) of the dump.
 */
export async function measure({ quick = false, log = () => {} } = {}) {
  const root = mkdtempSync(join(tmpdir(), "rbx-bench-"));
  const pg = await startPostgres();
  try {
    const rows = quick ? 100_000 : 1_000_000;
    const db = await pg.createDatabase("benchdb");
    const env = { ...process.env, PGPASSWORD: pg.password, BENCH_DATABASE_URL: pg.url(db) };
    const bin = (tool) => join(pg.binDir, tool);
    const conn = ["-h", pg.host, "-p", String(pg.port), "-U", pg.user];
    const started = process.hrtime.bigint();
    must(
      bin("psql"),
      [
        ...conn,
        "-d",
        db,
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        [
          `create table items as select g as id, md5(g::text) as a, md5((g * 7)::text) as b, repeat(chr(65 + g % 26), 80) as c, now() - g * interval '1 second' as at from generate_series(1, ${rows}) g`,
          "alter table items add primary key (id)",
          "create index on items (a)",
          "analyze",
        ].join("; "),
      ],
      { env },
    );
    const size = Number(
      must(bin("psql"), [...conn, "-d", db, "-tAc", `select pg_database_size('${db}')`], { env }).trim(),
    );
    log(
      `database ${db}: ${(size / 1e6).toFixed(0)} MB built in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`,
    );
    const snapDir = join(root, "snapshots");
    mkdirSync(snapDir);
    const createFile = join(root, "create.rb.yaml");
    writeFileSync(
      createFile,
      snapshotRunbook(
        `{ id: snap, action: snapshot.create, with: { connection: db, dir: ${JSON.stringify(snapDir)}, binDir: ${JSON.stringify(pg.binDir)} } }`,
      ),
    );
    let k = 0;
    const state = () => join(root, `state-${k++}`);
    const rounds = quick ? 2 : 5;
    const dump = join(root, "raw.dump");
    const created = compareProcesses(
      {
        rbx: { args: () => [rbx, "run", createFile, "--state-dir", state()] },
        raw: { program: bin("pg_dump"), args: [...conn, "-Fc", "-f", dump, db] },
      },
      { runs: rounds, warmup: 1, options: { cwd: root, env } },
    );
    // The last snapshot the runs took is the one restored.
    const runs = join(root, `state-${k - 1}`, "runs");
    const journal = readdirSync(runs).find((f) => f.endsWith(".jsonl"));
    const ids = readFileSync(join(runs, String(journal)), "utf8")
      .split("\n")
      .filter((l) => l.includes('"step.succeeded"'))
      .map((l) => JSON.parse(l).output.id);
    const id = ids.at(-1);
    if (!id) throw new Error("snapshot.create recorded no snapshot id");
    const restoreFile = join(root, "restore.rb.yaml");
    writeFileSync(
      restoreFile,
      snapshotRunbook(
        `{ id: back, action: snapshot.restore, with: { connection: db, snapshot: ${id}, dir: ${JSON.stringify(snapDir)}, binDir: ${JSON.stringify(pg.binDir)} } }`,
      ),
    );
    const restored = compareProcesses(
      {
        rbx: { args: () => [rbx, "run", restoreFile, "--state-dir", state()] },
        raw: {
          program: "bash",
          args: [
            "-c",
            `set -e; b=$1; shift; "$b/dropdb" "$@" ${db}; "$b/createdb" "$@" ${db}; "$b/pg_restore" "$@" --single-transaction --exit-on-error -d ${db} ${dump}`,
            "bash",
            pg.binDir,
            ...conn,
          ],
        },
      },
      { runs: rounds, warmup: 1, options: { cwd: root, env } },
    );
    const c = pairedRatio(created.rbx, created.raw);
    const r = pairedRatio(restored.rbx, restored.raw);
    log(`create: rbx ${median(created.rbx).toFixed(0)} ms, pg_dump -Fc ${median(created.raw).toFixed(0)} ms`);
    log(
      `restore: rbx ${median(restored.rbx).toFixed(0)} ms, dropdb + createdb + pg_restore ${median(restored.raw).toFixed(0)} ms`,
    );
    const note =
      `${(size / 1e6).toFixed(0)} MB database (${rows.toLocaleString("en")} rows, two indexes), ${rounds} rounds; rbx includes its start, the ` +
      "runbook's load, the journal, the dump's sha256 and manifest; restore (recreate mode) against dropdb + createdb + pg_restore --single-transaction";
    return [
      { ...figures[0], ...c, unit: "ms", note },
      { ...figures[1], ...r, unit: "ms" },
    ];
  } finally {
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await standalone(measure);
