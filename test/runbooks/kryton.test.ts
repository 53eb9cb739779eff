// Rehearsals of runbooks/kryton.rb.yaml (helm method) in the lab: the happy path and every failure path of 002/004.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  getJson,
  journalOf,
  killWhen,
  type Lab,
  labChart,
  labParams,
  labRbx,
  releaseSettled,
  repoFile,
  runIdOf,
  sql,
  startLab,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx } from "./support/rbx.js";

const RUNBOOK = "runbooks/kryton.rb.yaml";
const BROKEN = "4.6.6-broken-migration";
const commit = (v: string) => createHash("sha1").update(`kryton@${v}`).digest("hex").slice(0, 7);

let lab: Lab | undefined;

afterEach(async () => {
  killLiveRbx();
  await stopLab(lab);
  lab = undefined;
});
afterAll(() => killLiveRbx());

/** `rbx run` of the Kryton runbook against the lab with the lab params plus overrides. */
function run(l: Lab, params: Record<string, string>, extra: Parameters<typeof labRbx>[2] = {}) {
  const args = ["run", RUNBOOK, "--params-file", labParams("kryton"), "--approve-all"];
  const all = {
    chart: labChart(l, `kryton-${params.chartVersion ?? "4.6.5"}.tgz`),
    rolloutTimeout: "30s",
    backupDir: join(l.dir, "backups"),
    ...params,
  };
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args, extra);
}

const broken = {
  migrationWait: "15s",
  targetVersion: BROKEN,
  chartVersion: BROKEN,
  expectedCommit: commit(BROKEN),
  migrationsDir: `lab/products/kryton/migrations/${BROKEN}`,
};

async function served(l: Lab) {
  return (await getJson(`${l.env.KRYTON_URL}/api/version`)).body;
}
/** Poll /readyz until it answers 200 (bounded). */
async function readyWithin(l: Lab, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const res = await fetch(`${l.env.KRYTON_URL}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(
      () => undefined,
    );
    if (res?.status === 200) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

async function ledgerRows(l: Lab) {
  return (
    await sql<{ n: number }>(
      l.env.KRYTON_POSTGRES_URL ?? "",
      "select count(*)::int as n from drizzle.__drizzle_migrations",
    )
  )[0]?.n;
}

describe("kryton runbook rehearsed in the lab", () => {
  it("happy path: 4.6.4 → 4.6.5, journal completed, new version serving, ledger advanced", async () => {
    lab = await startLab("kryton");
    expect(await ledgerRows(lab)).toBe(2);
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(0);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await served(lab)).toMatchObject({ version: "4.6.5", commit: commit("4.6.5") });
    expect(await ledgerRows(lab)).toBe(3);
    // The tag as Kryton publishes it (002: kryton:v4.6.4), and the notes tarball of the checklist.
    const image = execFileSync(
      "kubectl",
      ["get", "deploy", "kryton", "-n", "kryton", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
      { env: lab.env, encoding: "utf8" },
    );
    expect(image).toBe("registry.example/kryton:v4.6.5");
    expect(existsSync(join(lab.dir, "backups", "kryton-notes-pre-v4.6.5.tgz"))).toBe(true);
  }, 600_000);

  it("failing migration halts; resume after the fix (the missing table created) completes on the new version", async () => {
    lab = await startLab("kryton");
    const r = await run(lab, broken);
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const halted = await statusOf(lab, id);
    expect(halted.json.status).toBe("halted");
    expect(halted.json.step).toMatchObject({ key: "migrations", status: "failed" });
    expect(halted.text).toContain("rbx resume");
    // Fix forward: the hot-patch 0003_note_folders needed.
    await sql(
      lab.env.KRYTON_POSTGRES_URL ?? "",
      "create table public.folders (id serial primary key, name text)",
    );
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await served(lab)).toMatchObject({ version: BROKEN });
    expect(await ledgerRows(lab)).toBe(4);
  }, 900_000);

  it("failing migration halts; skip with a reason after marking it applied by hand completes", async () => {
    lab = await startLab("kryton");
    const r = await run(lab, broken);
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    // 001's "skip", done by hand: Drizzle applies only migrations newer than the newest ledger row, so marking
    // 0003 applied alone would also skip 0002 — apply 0002's SQL, then mark 0002 and 0003 applied.
    const dir = `lab/products/kryton/migrations/${BROKEN}`;
    const journal = JSON.parse(repoFile(`${dir}/meta/_journal.json`)) as {
      entries: { tag: string; when: number }[];
    };
    const url = lab.env.KRYTON_POSTGRES_URL ?? "";
    for (const statement of repoFile(`${dir}/0002_note_pinned.sql`).split("--> statement-breakpoint"))
      await sql(url, statement);
    for (const tag of ["0002_note_pinned", "0003_note_folders"]) {
      const text = repoFile(`${dir}/${tag}.sql`);
      const when = journal.entries.find((e) => e.tag === tag)?.when;
      await sql(url, "insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [
        createHash("sha256").update(text).digest("hex"),
        when,
      ]);
    }
    // …and restart: the crash-looping pod comes back on its own once the ledger says 0003 is applied.
    expect(await readyWithin(lab, 120_000)).toBe(true);
    const skip = await labRbx(lab, [
      "skip",
      id,
      "migrations",
      "--reason",
      "0002 applied and 0002-0003 marked applied by hand; folders ship in 4.6.7",
    ]);
    expect(skip.code, skip.stderr).toBe(0);
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("completed");
    expect(await served(lab)).toMatchObject({ version: BROKEN });
  }, 900_000);

  it("failing migration halts; rollback leaves the database (the failed migration changed nothing) and the old version serves, verified", async () => {
    lab = await startLab("kryton");
    const r = await run(lab, { ...broken, releaseMigrations: "destructive" });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    // Drizzle ran 0002 and 0003 in one transaction and 0003 failed: the ledger and the schema are as before.
    expect(await ledgerRows(lab)).toBe(2);
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("rolled-back");
    const restores = journalOf(lab, id).filter(
      (e) => e.type === "step.started" && e.action === "snapshot.restore",
    );
    expect(restores).toEqual([]);
    expect(await served(lab)).toMatchObject({ version: "4.6.4", commit: commit("4.6.4") });
    expect(await ledgerRows(lab)).toBe(2);
  }, 900_000);

  it("a pod that never becomes ready rolls back to the recorded revision, verified", async () => {
    lab = await startLab("kryton");
    const r = await run(lab, {
      targetVersion: "4.6.5-never-ready",
      expectedCommit: commit("4.6.5"),
      rolloutTimeout: "15s",
    });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.status).toBe("rolled-back");
    expect(st.text).toContain("boundary:  upgrade");
    expect(r.stderr).toMatch(/deployment kryton\/kryton did not roll out/);
    expect(await served(lab)).toMatchObject({ version: "4.6.4" });
  }, 600_000);

  it("verification failing after a successful rollout (wrong commit) rolls back, verified", async () => {
    lab = await startLab("kryton");
    const r = await run(lab, { expectedCommit: "0000000" });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("expected 4.6.5 (0000000)");
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    expect(await served(lab)).toMatchObject({ version: "4.6.4" });
  }, 600_000);

  it("operator method: spec.version patched, status.observedVersion awaited, new version serving", async () => {
    lab = await startLab("kryton");
    // The lab installs Kryton by its chart; render the Kryton resource the operator reconciles from spec.version.
    execFileSync(
      "helm",
      [
        "upgrade",
        "kryton",
        labChart(lab, "kryton-4.6.4.tgz"),
        "-n",
        "kryton",
        "--reuse-values",
        "--set",
        "operator.enabled=true",
        "--wait",
      ],
      {
        env: lab.env,
        stdio: "pipe",
      },
    );
    const r = await run(lab, { method: "operator" });
    expect(r.code, r.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(r))).json.status).toBe("completed");
    expect(await served(lab)).toMatchObject({ version: "4.6.5", commit: commit("4.6.5") });
    const cr = JSON.parse(
      execFileSync("kubectl", ["get", "kryton", "kryton", "-n", "kryton", "-o", "json"], {
        env: lab.env,
        encoding: "utf8",
      }),
    ) as {
      spec: { version: string };
      status: { observedVersion: string };
    };
    expect(cr.spec.version).toBe("4.6.5");
    expect(cr.status.observedVersion).toBe("4.6.5");
    expect(await ledgerRows(lab)).toBe(3);
  }, 600_000);

  it("SIGKILL of rbx run during the upgrade phase, then rbx resume, reaches the same end state", async () => {
    lab = await startLab("kryton");
    const kill = killWhen(/[→…] helmUpgrade \(?helm\.upgrade/);
    const r = await run(lab, {}, { onStderr: kill.onStderr });
    expect(r.signal).toBe("SIGKILL");
    const id = runIdOf(r);
    // The helm rbx started keeps running without it: resume only once it has finished (as an operator would check).
    expect(await releaseSettled(lab, "kryton", "kryton")).not.toMatch(/^pending-/);
    expect((await statusOf(lab, id)).json.status).not.toBe("completed");
    const resumed = await labRbx(lab, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    expect(await served(lab)).toMatchObject({ version: "4.6.5", commit: commit("4.6.5") });
    expect(await ledgerRows(lab)).toBe(3);
  }, 600_000);
});
