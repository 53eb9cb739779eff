// The fleet rehearsal in the lab: 20 Kryton instances (kryton-01 … kryton-20, each with its own
// database), three with a broken migration, rbx fleet run at max-concurrency 4 and max-errors 2. The fleet
// halts by the documented rule (replayed from its journal), the targets it never started keep their helm
// revision; after the fix `rbx fleet resume` — SIGKILLed once midway and resumed again — completes, and
// every instance was upgraded exactly once (one helm revision more, never two).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ended, REPO, rbx } from "../runbooks/support/rbx.js";
import { testPostgres } from "../support/postgres.js";
import { startTenantService } from "./tenant-service.js";

const N = 20;
const FAULTY = [2, 3, 5];
const dir = mkdtempSync(join(tmpdir(), "rbx-lab-fleet-"));
const runbook = join(REPO, "test", "fixtures-lab", "fleet", "kryton-lean.rb.yaml");
let env: Record<string, string> = {};
let store = "";
let db: pg.Pool;

const ns = (i: number) => `kryton-${String(i).padStart(2, "0")}`;

function parseEnvLines(text: string, basePath: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'(:"\$PATH")?$/.exec(line.trim());
    if (!m?.[1]) continue;
    const value = (m[2] ?? "").replaceAll(`'\\''`, "'");
    out[m[1]] = m[3] ? `${value}:${basePath}` : value;
  }
  return out;
}

const run = (
  args: string[],
  extra: {
    timeoutMs?: number;
    onStderr?: (text: string, child: import("node:child_process").ChildProcess) => void;
  } = {},
): Promise<Ended> =>
  rbx([...args], {
    env: { ...env, RBX_STORE: store, RBX_STATE_DIR: join(dir, "state") },
    timeoutMs: extra.timeoutMs ?? 600_000,
    ...(extra.onStderr ? { onStderr: extra.onStderr } : {}),
  });

/** Every instance's deployed helm revision (one `helm list -A`). */
function revisions(): Map<string, number> {
  const text = execFileSync("helm", ["list", "-A", "-o", "json"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const rows = JSON.parse(text) as { namespace: string; revision: string }[];
  return new Map(rows.map((r) => [r.namespace, Number(r.revision)]));
}

beforeAll(async () => {
  const basePath = dirname(process.execPath);
  const home = join(dir, "home");
  const up = await rbx(
    [
      "lab",
      "up",
      "--dir",
      join(dir, "lab"),
      "--products",
      "kryton",
      "--instances",
      String(N),
      ...FAULTY.flatMap((i) => ["--fault", `${i}=broken-migration`]),
    ],
    { env: { PATH: basePath, HOME: home }, timeoutMs: 600_000 },
  );
  if (up.code !== 0) throw new Error(`rbx lab up failed (${up.code}): ${up.stderr}`);
  env = { ...parseEnvLines(up.stdout, basePath), HOME: home };
  const server = await testPostgres();
  store = server.url(await server.createDatabase());
  db = new pg.Pool({ connectionString: store, max: 2 });
}, 660_000);

afterAll(async () => {
  await db?.end();
  await rbx(["lab", "down", "--dir", join(dir, "lab")], { env, timeoutMs: 120_000 });
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

/**
 * Replay the fleet journal against the documented rule: never more than 4 running; no target starts once more
 * than 2 have failed (a halt counts). Returns how many started.
 */
async function replay(fleetId: string): Promise<{ started: string[]; peak: number }> {
  const events = (
    await db.query<{ type: string; target: string | null }>(
      "SELECT type, target FROM rbx.fleet_events WHERE fleet_id = $1 ORDER BY seq",
      [fleetId],
    )
  ).rows;
  const running = new Set<string>();
  const started: string[] = [];
  let errors = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === "target.started" && e.target) {
      expect(errors, `${e.target} started after ${errors} failures`).toBeLessThanOrEqual(2);
      running.add(e.target);
      started.push(e.target);
      peak = Math.max(peak, running.size);
    } else if (
      e.type.startsWith("target.") &&
      e.type !== "target.launched" &&
      e.type !== "target.requeued" &&
      e.target
    ) {
      running.delete(e.target);
      if (e.type === "target.failed" || e.type === "target.halted") errors++;
    }
  }
  expect(peak).toBeLessThanOrEqual(4);
  return { started, peak };
}

describe("a fleet of 20 Kryton instances in the lab", () => {
  it("halts by the rule, leaves the rest untouched, and after the fix resumes — through a SIGKILL — to one upgrade each", async () => {
    const doc = await run(["lab", "fleet", "kryton", "--dir", join(dir, "lab")]);
    expect(doc.code, doc.stderr).toBe(0);
    expect(doc.stdout).toContain("name: kryton-20");
    expect(doc.stdout).toContain("lab-fault: broken-migration");
    // A crash-looping pod is given 20 s before its run halts (the lab's default would wait 2 minutes).
    const fleetFile = join(dir, "kryton.fleet.yaml");
    writeFileSync(fleetFile, doc.stdout.replace(/rolloutTimeout: "[^"]*"/, 'rolloutTimeout: "20s"'));
    const before = revisions();
    expect([...Array(N)].map((_, i) => before.get(ns(i + 1)))).toEqual(Array(N).fill(1));

    const first = await run([
      "fleet",
      "run",
      runbook,
      "--fleet",
      fleetFile,
      "--fleet-id",
      "tenants",
      "--max-concurrency",
      "4",
      "--max-errors",
      "2",
    ]);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toContain("more than --max-errors 2");
    const { started } = await replay("tenants");
    const states = (
      await db.query<{ name: string; state: string }>(
        "SELECT name, state FROM rbx.fleet_targets WHERE fleet_id = 'tenants' ORDER BY position",
      )
    ).rows;
    const untouched = states.filter((s) => s.state === "pending").map((s) => s.name);
    expect(untouched.length).toBeGreaterThan(0);
    expect(started.length + untouched.length).toBe(N);
    expect(states.filter((s) => s.state === "halted").map((s) => s.name)).toEqual(FAULTY.map(ns));
    const afterHalt = revisions();
    for (const name of untouched) expect(afterHalt.get(name), `${name} was not started`).toBe(1);
    for (const name of started) expect(afterHalt.get(name), `${name} was upgraded once`).toBe(2);

    // The fix, then resume; the controller is SIGKILLed once the resumed fleet has started a few targets.
    for (const i of FAULTY)
      expect((await run(["lab", "fault", ns(i), "none", "--dir", join(dir, "lab")])).code).toBe(0);
    let seen = "";
    const killed = await run(["fleet", "resume", "tenants"], {
      onStderr: (chunk, child) => {
        seen += chunk;
        const resumed = (seen.match(/: resuming run/g) ?? []).length;
        const startedNew = (seen.match(/: starting run/g) ?? []).length;
        if (resumed >= FAULTY.length && startedNew >= Math.min(2, untouched.length)) child.kill("SIGKILL");
      },
    });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    // Its lease (30 s by default) is live, so a second controller is refused until it expires or --force.
    const refused = await run(["fleet", "resume", "tenants"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is driven by rehearsal@");
    const done = await run(["fleet", "resume", "tenants", "--force"]);
    expect(done.code, done.stderr).toBe(0);
    const final = (
      await db.query<{ state: string }>("SELECT state FROM rbx.fleet_targets WHERE fleet_id = 'tenants'")
    ).rows;
    expect(final.map((s) => s.state)).toEqual(Array(N).fill("succeeded"));
    const after = revisions();
    expect([...Array(N)].map((_, i) => after.get(ns(i + 1)))).toEqual(Array(N).fill(2));
    const starts = (
      await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM rbx.events WHERE run_id LIKE 'tenants.%' AND type = 'run.started'",
      )
    ).rows[0];
    expect(Number(starts?.n)).toBe(N);
  }, 900_000);

  it("runs each target as a Kubernetes Job with --executor kubernetes (the lab runs rbx:VERSION pods)", async () => {
    const service = await startTenantService(200);
    try {
      const file = join(dir, "jobs.fleet.yaml");
      const targets = ["a", "b", "c"]
        .map((t) => `  - { name: ${t}, params: { tenant: jobs-${t} } }`)
        .join("\n");
      writeFileSync(
        file,
        `apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: jobs }\nparams: { baseUrl: "${service.url}" }\ntargets:\n${targets}\n`,
      );
      const r = await run([
        "fleet",
        "run",
        join(REPO, "test", "fixtures", "fleet", "sleepy.rb.yaml"),
        "--fleet",
        file,
        "--fleet-id",
        "jobs",
        "--max-concurrency",
        "2",
        "--max-errors",
        "0",
        "--executor",
        "kubernetes",
        "--job-namespace",
        "kryton-01",
      ]);
      expect(r.code, r.stderr).toBe(0);
      const rows = (
        await db.query<{ state: string; handle: string }>(
          "SELECT state, handle FROM rbx.fleet_targets WHERE fleet_id = 'jobs' ORDER BY position",
        )
      ).rows;
      expect(rows.map((t) => t.state)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(rows.map((t) => t.handle)).toEqual(["a", "b", "c"].map((t) => `job kryton-01/rbx-jobs-${t}`));
      expect(["a", "b", "c"].map((t) => service.hits.get(`jobs-${t}`))).toEqual([1, 1, 1]);
    } finally {
      await service.close();
    }
  }, 300_000);
});
