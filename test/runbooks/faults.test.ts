// Faults in what a run depends on, rehearsed with runbooks/kryton.rb.yaml against the lab (issue 23): the API
// refused or hung, PostgreSQL stopped, a hanging endpoint, rejected credentials, helm and pg_dump missing or
// failing, SIGINT during a rollback and a double SIGINT during helm. Each ends in the declared policy with a clear
// message, a journal that verifies, and nothing done twice.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  getJson,
  type Lab,
  labChart,
  labFault,
  labParams,
  labRbx,
  onceSeen,
  releaseSettled,
  runIdOf,
  sql,
  startLab,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx, REPO, rbx } from "./support/rbx.js";

const RUNBOOK = "runbooks/kryton.rb.yaml";
let lab: Lab | undefined;

afterEach(async () => {
  killLiveRbx();
  await stopLab(lab);
  lab = undefined;
});
afterAll(() => killLiveRbx());

/** `rbx run` of the Kryton runbook (4.6.4 → 4.6.5 unless overridden) against the lab. */
function run(l: Lab, params: Record<string, string>, extra: Parameters<typeof labRbx>[2] = {}) {
  const args = ["run", RUNBOOK, "--params-file", labParams("kryton"), "--approve-all"];
  const all = { chart: labChart(l, `kryton-${params.chartVersion ?? "4.6.5"}.tgz`), ...params };
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args, extra);
}

/** The journal's events as `type step` words, e.g. "step.started helmUpgrade". */
function journalOf(
  l: Lab,
  id: string,
): { type: string; step?: string; error?: { code?: string; message: string } }[] {
  return readFileSync(join(l.stateDir, "runs", `${id}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** How many times a step was started in the journal (a write started twice was done twice). */
function starts(l: Lab, id: string, step: string): number {
  return journalOf(l, id).filter((e) => e.type === "step.started" && e.step === step).length;
}

async function verified(l: Lab, id: string): Promise<Record<string, unknown>> {
  const st = await statusOf(l, id);
  expect((st.json.integrity as { ok: boolean }).ok).toBe(true);
  return st.json;
}

async function served(l: Lab) {
  return (await getJson(`${l.env.KRYTON_URL}/api/version`)).body;
}

function revisions(l: Lab): { revision: number; status: string; description: string }[] {
  return JSON.parse(
    execFileSync("helm", ["history", "kryton", "-n", "kryton", "-o", "json"], {
      env: l.env,
      encoding: "utf8",
    }),
  );
}

/** A second upgrade after a first one completed: 4.6.5 → 4.7.0. */
const to470 = {
  targetVersion: "4.7.0",
  chartVersion: "4.7.0",
  migrationsDir: "lab/products/kryton/migrations/4.7.0",
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** stdout of an rbx command against the lab (e.g. `rbx lab kubeconfig --bad-token`). */
async function labRbxText(l: Lab, args: string[]): Promise<string> {
  const r = await rbx(args, { env: l.env, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`rbx ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** The rbx process of the run being rehearsed, to send it signals as a terminal would. */
let current: import("node:child_process").ChildProcess | undefined;
function trackChild(
  onStderr: (text: string, child: import("node:child_process").ChildProcess) => void,
): (text: string, child: import("node:child_process").ChildProcess) => void {
  return (text, child) => {
    current = child;
    onStderr(text, child);
  };
}
/**
 * A helm whose `verb` (upgrade, rollback) takes 3 s more to return after it did its work (an API slow to answer
 * the last calls): without --wait either takes a fraction of a second, and a rehearsed Ctrl-C must land while
 * helm is still under way.
 */
function slowHelmFor(l: Lab, verb: string): string {
  const path = join(l.dir, `slow-helm-${verb}`);
  const real = join(l.dir, "lab", "bin", "helm");
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" != ${verb} ]; then exec ${real} "$@"; fi\n${real} "$@"\nrc=$?\n/bin/sleep 3\nexit $rc\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function signalRbx(signal: NodeJS.Signals): void {
  if (current?.pid && current.exitCode === null) process.kill(current.pid, signal);
}

describe("kryton runbook: faults of what it depends on, rehearsed in the lab", () => {
  it("the API refused for 20 s mid-rollout: the wait rides it out and the run completes", async () => {
    lab = await startLab("kryton");
    const l = lab;
    // The outage starts as helm returns (without --wait it returns while the new pods are still starting), so the
    // rollout step meets it: starting it at the rollout step's own line raced a rollout that may already be done.
    const outage = onceSeen(/✓ helmUpgrade/, async () => {
      await labFault(l, "api", "stop");
      await sleep(20_000);
      await labFault(l, "api", "start");
    });
    const r = await run(l, { rolloutTimeout: "90s" }, { onStderr: outage.onStderr });
    await outage.done();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /rollout waiting for: the Kubernetes API unreachable for \d+ s \(connection refused\)/,
    );
    expect(r.stderr).toMatch(/rollout waiting for: the Kubernetes API answers again after \d+ s/);
    const id = runIdOf(r);
    expect((await verified(l, id)).status).toBe("completed");
    expect(starts(l, id, "helmUpgrade")).toBe(1);
    expect(journalOf(l, id).some((e) => e.type === "rollback.started")).toBe(false);
    expect(await served(l)).toMatchObject({ version: "4.6.5" });
  }, 600_000);

  it("the API hung past the rollout's timeout: no rollback into the outage; the run halts, and resume completes", async () => {
    lab = await startLab("kryton");
    const l = lab;
    // Hung as helm returns, so the rollout step starts into it (see the outage above).
    const hang = onceSeen(/✓ helmUpgrade/, () => labFault(l, "api", "hang"));
    const r = await run(l, { rolloutTimeout: "20s" }, { onStderr: hang.onStderr });
    await hang.done();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/rollout waiting for: the Kubernetes API unreachable for \d+ s \(no answer\)/);
    expect(r.stderr).toMatch(
      /✗ rollout [\d.]+s failed: action-error: deployment kryton\/kryton did not roll out within 20s: the Kubernetes API never answered \(no answer\)/,
    );
    expect(r.stderr).toMatch(
      /halted \(target-unreachable\) at rollout: rollout failed because the Kubernetes API \(connection cluster\) cannot be reached/,
    );
    expect(r.stderr).toMatch(
      /No rollback was started: rollback:upgrade\/\d+ \(helm\.rollback\) would need the same target\./,
    );
    const id = runIdOf(r);
    const halted = await verified(l, id);
    expect(halted.status).toBe("halted");
    expect(journalOf(l, id).some((e) => e.type === "rollback.started")).toBe(false);
    await labFault(l, "api", "start");
    const resumed = await labRbx(l, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await verified(l, id)).status).toBe("completed");
    expect(starts(l, id, "helmUpgrade")).toBe(1);
    expect(await served(l)).toMatchObject({ version: "4.6.5" });
  }, 600_000);

  it("PostgreSQL stopped as the backup starts: the run halts before any change, and resume after it is back completes", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const stop = onceSeen(/✓ ledgerBefore/, () => labFault(l, "postgres", "stop"));
    const r = await run(l, {}, { onStderr: stop.onStderr });
    await stop.done();
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const halted = await verified(l, id);
    expect(halted.step).toMatchObject({ key: "backup", status: "failed" });
    const failed = journalOf(l, id).find((e) => e.type === "step.failed" && e.step === "backup");
    expect(["connection-refused", "connection-reset"]).toContain(failed?.error?.code);
    // Bounded: a few lines, never the tool's whole verbose stderr.
    expect(failed?.error?.message.split("\n").length).toBeLessThanOrEqual(4);
    expect(starts(l, id, "helmUpgrade")).toBe(0);
    await labFault(l, "postgres", "start");
    const resumed = await labRbx(l, ["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await verified(l, id)).status).toBe("completed");
    expect(starts(l, id, "helmUpgrade")).toBe(1);
  }, 600_000);

  it("PostgreSQL stopped for 10 s during the migration wait: the wait retries through it and the run completes", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const blip = onceSeen(/… migrations sql\.migrations/, async () => {
      await labFault(l, "postgres", "stop");
      await sleep(10_000);
      await labFault(l, "postgres", "start");
    });
    const r = await run(l, { migrationWait: "3m", rolloutTimeout: "3m" }, { onStderr: blip.onStderr });
    await blip.done();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /! migrations attempt \d+ failed: action-error: .*(connection-refused|Connection refused|connection)/i,
    );
    const id = runIdOf(r);
    expect((await verified(l, id)).status).toBe("completed");
    expect(journalOf(l, id).some((e) => e.type === "rollback.started")).toBe(false);
    expect(await served(l)).toMatchObject({ version: "4.6.5" });
    const ledger = await sql<{ n: number }>(
      l.env.KRYTON_POSTGRES_URL ?? "",
      "select count(*)::int as n from drizzle.__drizzle_migrations",
    );
    expect(ledger[0]?.n).toBe(3);
  }, 600_000);

  it("a hanging endpoint: the precheck says it did not answer and the run halts before anything changed", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const held: import("node:net").Socket[] = [];
    const hung: Server = createServer((socket) => {
      held.push(socket);
    });
    await new Promise<void>((done) => hung.listen(0, "127.0.0.1", done));
    try {
      const port = (hung.address() as { port: number }).port;
      const r = await run(l, { baseUrl: `http://127.0.0.1:${port}` });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`GET http://127.0.0.1:${port}/api/version did not answer within 30 s`);
      const id = runIdOf(r);
      const st = await verified(l, id);
      expect(st.step).toMatchObject({ key: "versionBefore", status: "failed" });
      expect(starts(l, id, "helmUpgrade")).toBe(0);
      expect(revisions(l)).toHaveLength(1);
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((done) => hung.close(() => done()));
    }
  }, 600_000);

  it("401 from the API mid-run (the token is rejected): the run halts instead of rolling back, resume completes with good credentials", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const kubeconfig = join(l.dir, "kubeconfig-run");
    copyFileSync(l.env.KUBECONFIG ?? "", kubeconfig);
    const bad = (
      await labRbxText(l, ["lab", "kubeconfig", "--bad-token", "--dir", join(l.dir, "lab")])
    ).trim();
    const reject = onceSeen(/… migrations sql\.migrations/, async () => copyFileSync(bad, kubeconfig));
    const r = await run(l, {}, { onStderr: reject.onStderr, env: { KUBECONFIG: kubeconfig } });
    await reject.done();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("(HTTP 401) — the API rejects the kubeconfig's credentials");
    expect(r.stderr).toMatch(
      /halted \(target-unreachable\) at rollout: rollout failed because the Kubernetes API \(connection cluster\) rejects rbx's credentials/,
    );
    const id = runIdOf(r);
    expect(journalOf(l, id).find((e) => e.type === "step.failed")?.error?.code).toBe("unauthenticated");
    // Not retried: a rejected token does not get better by asking again.
    expect(starts(l, id, "rollout")).toBe(1);
    copyFileSync(l.env.KUBECONFIG ?? "", kubeconfig);
    const resumed = await labRbx(l, ["resume", id], { env: { KUBECONFIG: kubeconfig } });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await verified(l, id)).status).toBe("completed");
    expect(starts(l, id, "helmUpgrade")).toBe(1);
  }, 600_000);

  it("helm missing, then helm failing: each halts with the decisive line and nothing is changed twice", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const missing = await run(l, {}, { env: { RBX_HELM: "/nonexistent/helm" } });
    expect(missing.code, missing.stderr).toBe(3);
    expect(missing.stderr).toMatch(
      /✗ history \S+ failed: action-error: helm history failed: \/nonexistent\/helm not found — install helm, or set the connection's `helm` or RBX_HELM/,
    );
    const first = runIdOf(missing);
    // Not retried: a missing binary does not appear by asking again.
    expect(starts(l, first, "history")).toBe(1);
    expect(journalOf(l, first).find((e) => e.type === "step.failed")?.error?.code).toBe("helm-not-found");
    expect(starts(l, first, "helmUpgrade")).toBe(0);
    // helm installed again: resume completes the upgrade, once.
    const fixed = await labRbx(l, ["resume", first]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(starts(l, first, "helmUpgrade")).toBe(1);

    const failing = await run(l, { ...to470, chart: join(l.dir, "no-such-chart.tgz") });
    expect(failing.code, failing.stderr).toBe(3);
    const id = runIdOf(failing);
    const error = journalOf(l, id).find((e) => e.type === "step.failed")?.error;
    expect(error?.code).toBe("helm-failed");
    expect(error?.message).toMatch(/^helm upgrade failed: Error: path ".*no-such-chart\.tgz" not found/);
    // The runbook renders the target first (helm.preview, a dry run): the failing helm stops it before any change.
    expect((await verified(l, id)).step).toMatchObject({ key: "targetRender", status: "failed" });
    expect(starts(l, id, "helmUpgrade")).toBe(0);
    expect(revisions(l)).toHaveLength(2);
  }, 600_000);

  it("pg_dump missing, then pg_dump failing verbosely: the decisive line first, its stderr once in the log artifact", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const empty = join(l.dir, "no-pg");
    mkdirSync(empty);
    const missing = await run(l, {}, { env: { RBX_PG_BIN_DIR: empty } });
    expect(missing.code, missing.stderr).toBe(3);
    expect(journalOf(l, runIdOf(missing)).find((e) => e.type === "step.failed")?.error?.code).toBe(
      "pg-dump-not-found",
    );
    expect(missing.stderr).toContain(
      `pg_dump failed: ${empty}/pg_dump not found — install the PostgreSQL client`,
    );
    // The client installed again: resume takes the backup and completes the upgrade.
    const fixed = await labRbx(l, ["resume", runIdOf(missing)]);
    expect(fixed.code, fixed.stderr).toBe(0);

    // A pg_dump that talks a lot and then fails, as a real one does when a table cannot be locked.
    const wrapped = join(l.dir, "pg-wrapped");
    mkdirSync(wrapped);
    const realDir = execFileSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"], {
      encoding: "utf8",
    }).trim();
    writeFileSync(
      join(wrapped, "pg_dump"),
      `#!/bin/sh
if [ "$1" = "--version" ]; then exec ${realDir}/pg_dump --version; fi
i=0
while [ $i -lt 54 ]; do echo "pg_dump: reading dependency data $i" >&2; i=$((i+1)); done
echo 'pg_dump: error: query failed: ERROR:  could not obtain lock on relation "notes"' >&2
echo 'pg_dump: detail: Query was: LOCK TABLE public.notes IN ACCESS SHARE MODE NOWAIT' >&2
exit 1
`,
    );
    chmodSync(join(wrapped, "pg_dump"), 0o755);
    const failing = await run(l, to470, { env: { RBX_PG_BIN_DIR: wrapped } });
    expect(failing.code, failing.stderr).toBe(3);
    const id = runIdOf(failing);
    const error = journalOf(l, id).find((e) => e.type === "step.failed")?.error as {
      code: string;
      message: string;
      cause?: string;
      details: { log: string };
    };
    expect(error.message.split("\n")[0]).toBe(
      'pg_dump failed: pg_dump: error: query failed: ERROR:  could not obtain lock on relation "notes"',
    );
    expect(error.cause).toBeUndefined();
    const journal = readFileSync(join(l.stateDir, "runs", `${id}.jsonl`), "utf8");
    expect(journal).not.toContain("reading dependency data");
    expect(failing.stderr).not.toContain("reading dependency data 0");
    expect(readFileSync(resolve(REPO, error.details.log), "utf8")).toContain(
      "pg_dump: reading dependency data 0\n",
    );
  }, 600_000);

  it("SIGINT during the rollback's helm.rollback: interrupted, and resume finishes the rollback without a second helm rollback", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const slowHelm = slowHelmFor(l, "rollback");
    const interrupt = onceSeen(/rollback:upgrade\/\d+ rolling kryton back from revision/, async () => {
      await sleep(500);
      signalRbx("SIGINT");
    });
    const r = await run(
      l,
      { targetVersion: "4.6.5-never-ready", rolloutTimeout: "20s" },
      { onStderr: trackChild(interrupt.onStderr), env: { RBX_HELM: slowHelm } },
    );
    await interrupt.done();
    expect(r.code, r.stderr).toBe(130);
    const id = runIdOf(r);
    const st = await verified(l, id);
    expect(st.status).toBe("interrupted");
    expect(r.stderr).toContain("helm rollback keeps running until it finishes");
    expect(await releaseSettled(l, "kryton", "kryton")).toBe("deployed");
    const resumed = await labRbx(l, ["resume", id]);
    // The failure started this unwinding: finished by resume, it exits as `rbx run` would have (1).
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed.stderr).toContain(`run ${id} resumed`);
    expect(resumed.stderr).toMatch(/: continuing the rollback of upgrade/);
    expect((await verified(l, id)).status).toBe("rolled-back");
    // The rollback's helm.rollback step, whatever its position in the boundary's rollback list.
    const helmBack = (journalOf(l, id) as { type: string; step?: string; action?: string }[]).find(
      (e) => e.type === "step.started" && e.action === "helm.rollback",
    )?.step as string;
    expect(journalOf(l, id).some((e) => e.type === "step.probed" && e.step === helmBack)).toBe(true);
    expect(starts(l, id, helmBack)).toBe(1);
    expect(revisions(l).filter((x) => /^Rollback to/.test(x.description))).toHaveLength(1);
    expect(await served(l)).toMatchObject({ version: "4.6.4" });
  }, 600_000);

  it("two SIGINTs during helm upgrade: rbx stops at once with a verified journal, and resume settles the upgrade before anything runs again", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const interrupt = onceSeen(/helmUpgrade helm 3: upgrading kryton/, async () => {
      await sleep(200);
      signalRbx("SIGINT");
      await sleep(300);
      signalRbx("SIGINT");
    });
    const r = await run(
      l,
      {},
      { onStderr: trackChild(interrupt.onStderr), env: { RBX_HELM: slowHelmFor(l, "upgrade") } },
    );
    await interrupt.done();
    // Exit status 130 either way: by rbx's own exit, or by the second SIGINT once the run had ended and rbx only
    // waited for helm.
    expect(r.code === 130 || r.signal === "SIGINT", r.stderr).toBe(true);
    const id = runIdOf(r);
    expect(["interrupted", "crashed"]).toContain((await verified(l, id)).status);
    await releaseSettled(l, "kryton", "kryton");
    expect(r.stderr).toContain("helm upgrade keeps running until it finishes");
    // helm was not killed midway: it finishes on its own, and the release is deployed, not pending.
    expect(await releaseSettled(l, "kryton", "kryton")).toBe("deployed");
    const resumed = await labRbx(l, ["resume", id], { env: { RBX_HELM: slowHelmFor(l, "upgrade") } });
    expect(resumed.code, resumed.stderr).toBe(0);
    const journal = journalOf(l, id);
    // The upgrade is settled by its probe, never run a second time over the revision helm made.
    expect(journal.some((e) => e.type === "step.probed" && e.step === "helmUpgrade")).toBe(true);
    expect(starts(l, id, "helmUpgrade")).toBe(1);
    expect(revisions(l).filter((x) => /Upgrade complete/.test(x.description))).toHaveLength(1);
    expect((await verified(l, id)).status).toBe("completed");
    expect(await served(l)).toMatchObject({ version: "4.6.5" });
  }, 600_000);
});
