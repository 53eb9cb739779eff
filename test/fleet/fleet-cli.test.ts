// `rbx fleet` as people run it, against the test run's PostgreSQL: rate control, halting on errors, resume
// after a halt and after the controller is SIGKILLed (no target started twice), two controllers racing,
// approvals, plan, and the report's grid in headless Chromium.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startRbx } from "../cli-runtime/cli.js";
import { testPostgres } from "../support/postgres.js";
import { startTenantService, type TenantService } from "./tenant-service.js";

const fixtures = resolve("test/fixtures/fleet");
const work = mkdtempSync(join(tmpdir(), "rbx-fleet-"));
let url = "";
let db: pg.Pool;
let service: TenantService;

beforeAll(async () => {
  const server = await testPostgres();
  url = server.url(await server.createDatabase());
  db = new pg.Pool({ connectionString: url, max: 2 });
  service = await startTenantService();
});

afterAll(async () => {
  killAll();
  await db?.end();
  await service?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A fleet document of `n` targets (tenants NAME-01…), calling the tenant service. */
function fleetFile(name: string, n: number): string {
  const targets = Array.from({ length: n }, (_, i) => {
    const t = `t${String(i + 1).padStart(2, "0")}`;
    return `  - name: ${t}\n    labels: { ring: "${i < 2 ? "early" : "late"}" }\n    params: { tenant: ${name}-${t} }`;
  });
  const file = join(work, `${name}.fleet.yaml`);
  writeFileSync(
    file,
    `apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: ${name} }\nparams: { baseUrl: "${service.url}" }\ntargets:\n${targets.join("\n")}\n`,
  );
  return file;
}

/** How many times each tenant of a fleet document was called, in target order. */
const hitsOf = (name: string, n: number) =>
  Array.from({ length: n }, (_, i) => service.hits.get(`${name}-t${String(i + 1).padStart(2, "0")}`) ?? 0);

const rbx = (args: string[], timeoutMs = 90_000) =>
  startRbx([...args, "--store", url, "--state-dir", join(work, "state")], { cwd: work, timeoutMs });

async function targets(fleetId: string) {
  return (
    await db.query<{
      name: string;
      state: string;
      run_id: string | null;
      started_at: Date | null;
      finished_at: Date | null;
    }>(
      "SELECT name, state, run_id, started_at, finished_at FROM rbx.fleet_targets WHERE fleet_id = $1 ORDER BY position",
      [fleetId],
    )
  ).rows;
}

/** The runs of a fleet in the run store, with how many times each was started (run.started events). */
async function runsOf(fleetId: string) {
  return (
    await db.query<{ run_id: string; starts: string }>(
      `SELECT r.run_id, (SELECT count(*) FROM rbx.events e WHERE e.run_id = r.run_id AND e.type = 'run.started') AS starts
       FROM rbx.runs r WHERE r.run_id LIKE $1 ORDER BY r.run_id`,
      [`${fleetId}.%`],
    )
  ).rows;
}

/** The most targets whose runs overlapped in time (from the runs' own first and last events). */
async function peakConcurrency(fleetId: string): Promise<number> {
  const spans = (
    await db.query<{ a: Date; b: Date }>(
      "SELECT min(written_at) AS a, max(written_at) AS b FROM rbx.events WHERE run_id LIKE $1 GROUP BY run_id",
      [`${fleetId}.%`],
    )
  ).rows;
  let peak = 0;
  for (const s of spans) {
    const at = s.a.getTime();
    peak = Math.max(peak, spans.filter((o) => o.a.getTime() <= at && o.b.getTime() >= at).length);
  }
  return peak;
}

describe("rbx fleet", () => {
  it("plans the waves and each target's plan hash, and refuses a fleet document that does not check", async () => {
    const file = fleetFile("plan", 5);
    const plan = await startRbx(
      [
        "fleet",
        "plan",
        join(fixtures, "sleepy.rb.yaml"),
        "--fleet",
        file,
        "--max-concurrency",
        "40%",
        "--max-errors",
        "1",
        "--canary",
        "2",
      ],
      { cwd: work },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Wave 1 — canary (2)");
    expect(plan.stdout).toContain("Wave 2 — the rest (3), in this order, 2 at a time");
    expect(plan.stdout).toMatch(/t01\s+[0-9a-f]{16}/);
    const bad = join(work, "bad.fleet.yaml");
    writeFileSync(
      bad,
      "apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: bad }\ntargets:\n  - { name: a, params: { tenant: x } }\n  - { nmae: b }\n",
    );
    const refused = await rbx([
      "fleet",
      "run",
      join(fixtures, "sleepy.rb.yaml"),
      "--fleet",
      bad,
      "--max-concurrency",
      "2",
      "--max-errors",
      "0",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'bad.fleet.yaml:6:7: error: Unknown field "nmae" in this mapping. Did you mean "name"?',
    );
    expect(refused.stderr).toContain("6 |   - { nmae: b }");
    const twice = join(work, "twice.fleet.yaml");
    writeFileSync(
      twice,
      "apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: twice }\ntargets:\n  - { name: a, params: { tenant: x } }\n  - { name: a, params: { tenant: y } }\n  - { name: c, params: { tenant: x } }\n",
    );
    const validate = await startRbx(["validate", twice], { cwd: work });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain('twice.fleet.yaml:6:13: error: Target "a" is listed twice');
    const lint = await startRbx(["lint", twice], { cwd: work });
    expect(lint.stdout).toContain("same-params-twice");
  });

  it("never runs more than max-concurrency at once, and completes", async () => {
    service.delayMs = 800;
    const file = fleetFile("ok", 6);
    const r = await rbx([
      "fleet",
      "run",
      join(fixtures, "sleepy.rb.yaml"),
      "--fleet",
      file,
      "--fleet-id",
      "ok1",
      "--max-concurrency",
      "2",
      "--max-errors",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ok1 completed");
    const rows = await targets("ok1");
    expect(rows.map((t) => t.state)).toEqual(Array(6).fill("succeeded"));
    expect(await peakConcurrency("ok1")).toBeLessThanOrEqual(2);
    expect((await runsOf("ok1")).map((x) => Number(x.starts))).toEqual(Array(6).fill(1));
    expect(hitsOf("ok", 6)).toEqual(Array(6).fill(1));
  });

  it("halts once more than max-errors failed, leaves the rest untouched, and resumes after the fix", async () => {
    // max-errors 0 and max-concurrency 1: the documented count is exact — the first failure is the last start.
    service.delayMs = 100;
    service.faulty.add("bad-t03");
    const file = fleetFile("bad", 6);
    const r = await rbx([
      "fleet",
      "run",
      join(fixtures, "sleepy.rb.yaml"),
      "--fleet",
      file,
      "--fleet-id",
      "bad1",
      "--max-concurrency",
      "1",
      "--max-errors",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("more than --max-errors 0");
    let rows = await targets("bad1");
    expect(rows.map((t) => t.state)).toEqual([
      "succeeded",
      "succeeded",
      "halted",
      "pending",
      "pending",
      "pending",
    ]);
    expect(rows.slice(3).every((t) => t.run_id === null)).toBe(true);
    expect((await runsOf("bad1")).length).toBe(3);
    expect(hitsOf("bad", 6)).toEqual([1, 1, 1, 0, 0, 0]);
    const status = await rbx(["fleet", "status", "bad1"]);
    expect(status.stdout).toContain("Fleet bad1: halted");
    expect(status.stdout).toMatch(/halted\s+t03\s+bad1\.t03/);
    const list = await rbx(["fleet", "list"]);
    expect(list.stdout).toMatch(/bad1\s+halted/);
    // The fix: the tenant answers again. Its halted run is resumed (the same run, its step redone), the rest start.
    service.faulty.delete("bad-t03");
    const done = await rbx(["fleet", "resume", "bad1"]);
    expect(done.code, done.stderr).toBe(0);
    rows = await targets("bad1");
    expect(rows.map((t) => t.state)).toEqual(Array(6).fill("succeeded"));
    expect((await runsOf("bad1")).map((x) => Number(x.starts))).toEqual(Array(6).fill(1));
    expect(hitsOf("bad", 6)).toEqual([1, 1, 2, 1, 1, 1]);
  });

  it("with --halts-are-errors=false a halted target does not stop the fleet; the fleet ends halted for it", async () => {
    service.delayMs = 50;
    service.faulty.add("soft-t02");
    const file = fleetFile("soft", 4);
    const r = await rbx([
      "fleet",
      "run",
      join(fixtures, "sleepy.rb.yaml"),
      "--fleet",
      file,
      "--fleet-id",
      "soft1",
      "--max-concurrency",
      "1",
      "--max-errors",
      "0",
      "--halts-are-errors=false",
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("1 halted; then `rbx fleet resume soft1`");
    expect((await targets("soft1")).map((t) => t.state)).toEqual([
      "succeeded",
      "halted",
      "succeeded",
      "succeeded",
    ]);
    service.faulty.delete("soft-t02");
  });

  it("after its controller is SIGKILLed mid-fleet, resume finishes it and no target starts twice", async () => {
    service.delayMs = 1500;
    const file = fleetFile("kill", 8);
    const first = await startRbx(
      [
        "fleet",
        "run",
        join(fixtures, "sleepy.rb.yaml"),
        "--fleet",
        file,
        "--fleet-id",
        "kill1",
        "--max-concurrency",
        "3",
        "--max-errors",
        "0",
        "--store",
        url,
        "--state-dir",
        join(work, "state"),
      ],
      {
        cwd: work,
        env: { RBX_LEASE_SECONDS: "2" },
        onStderr: (text, child) => {
          if ((text.match(/starting run/g) ?? []).length >= 4) child.kill("SIGKILL");
        },
      },
    );
    expect(first.signal).toBe("SIGKILL");
    const before = await targets("kill1");
    expect(before.filter((t) => t.state === "pending").length).toBeGreaterThan(0);
    // A second controller while the first one's lease is live is refused; once it expires, resume takes over.
    await new Promise((r) => setTimeout(r, 2500));
    const resumed = await startRbx(
      ["fleet", "resume", "kill1", "--store", url, "--state-dir", join(work, "state")],
      {
        cwd: work,
        env: { RBX_LEASE_SECONDS: "2" },
        timeoutMs: 90_000,
      },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const rows = await targets("kill1");
    expect(rows.map((t) => t.state)).toEqual(Array(8).fill("succeeded"));
    const runs = await runsOf("kill1");
    expect(runs.map((x) => x.run_id)).toEqual(rows.map((t) => `kill1.${t.name}`));
    expect(runs.every((x) => Number(x.starts) === 1)).toBe(true);
    const events = (
      await db.query<{ type: string; target: string }>(
        "SELECT type, target FROM rbx.fleet_events WHERE fleet_id = 'kill1' AND type = 'target.started'",
      )
    ).rows;
    expect(events.length).toBe(8);
    expect(hitsOf("kill", 8)).toEqual(Array(8).fill(1));
  });

  it("refuses a second controller while the first holds the fleet", async () => {
    service.delayMs = 3000;
    const file = fleetFile("race", 3);
    const firstDone = rbx([
      "fleet",
      "run",
      join(fixtures, "sleepy.rb.yaml"),
      "--fleet",
      file,
      "--fleet-id",
      "race1",
      "--max-concurrency",
      "3",
      "--max-errors",
      "0",
    ]);
    for (let i = 0; i < 100; i++) {
      const r = await db.query("SELECT 1 FROM rbx.fleets WHERE fleet_id = 'race1'");
      if (r.rowCount) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const second = await rbx(["fleet", "resume", "race1"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("is driven by tester@");
    expect((await firstDone).code).toBe(0);
    expect((await runsOf("race1")).every((x) => Number(x.starts) === 1)).toBe(true);
  });

  it("lets targets wait for approval, approves them fleet-wide, and resumes them", async () => {
    const file = join(work, "gated.fleet.yaml");
    writeFileSync(
      file,
      `apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: gated }\nparams: { baseUrl: "${service.url}" }\ntargets:\n  - { name: a, params: { tenant: a } }\n  - { name: b, params: { tenant: b } }\n`,
    );
    service.delayMs = 50;
    const r = await rbx([
      "fleet",
      "run",
      join(fixtures, "approval.rb.yaml"),
      "--fleet",
      file,
      "--fleet-id",
      "gate1",
      "--max-concurrency",
      "2",
      "--max-errors",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect((await targets("gate1")).map((t) => t.state)).toEqual(["waiting-approval", "waiting-approval"]);
    const approved = await rbx(["fleet", "approve", "gate1", "go_ahead"]);
    expect(approved.code, approved.stderr).toBe(0);
    const done = await rbx(["fleet", "resume", "gate1"]);
    expect(done.code, done.stderr).toBe(0);
    expect((await targets("gate1")).map((t) => t.state)).toEqual(["succeeded", "succeeded"]);
  });

  it("reports the fleet as a grid linking each run's report, in headless Chromium", async () => {
    const out = join(work, "report");
    const r = await rbx(["fleet", "report", "bad1", "--format", "html", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const md = await rbx(["fleet", "report", "bad1", "--format", "md"]);
    expect(md.stdout).toContain("| 3 | t03 | succeeded | `bad1.t03` |");
    const profile = mkdtempSync(join(tmpdir(), "rbx-chromium-"));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      javaScriptEnabled: false,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, "bad1.html")).href);
      const cells = await page.$$eval(".grid .cell", (els) =>
        els.map((e) => ({
          target: e.getAttribute("data-state") && e.getAttribute("data-target"),
          state: e.getAttribute("data-state"),
          href: e.querySelector("a")?.getAttribute("href") ?? null,
          width: e.getBoundingClientRect().width,
        })),
      );
      expect(cells.map((c) => c.target)).toEqual(["t01", "t02", "t03", "t04", "t05", "t06"]);
      expect(cells.every((c) => c.state === "succeeded" && c.width > 50)).toBe(true);
      expect(cells[2]?.href).toBe("runs/bad1.t03.html");
      await page.click("text=t03");
      expect(page.url()).toContain("runs/bad1.t03.html");
      expect(await page.textContent("body")).toContain("upgrade");
      expect(readFileSync(join(out, "runs", "bad1.t03.html"), "utf8")).toContain("bad1.t03");
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
