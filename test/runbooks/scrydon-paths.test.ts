// Rehearsals of the Scrydon paths of 000/001 beyond the upgrade itself: precheck refusals (an artefact cosign cannot
// verify, an unhealthy audit forwarder, a partial tracking desync, a licence under 90 days, a release another helm
// holds), a customer's own layout (analytics off, agentic in its own namespace), the tracking repair through the
// chart flag, a cortex migration failure restored or skipped, a failed backfill, and a fresh install whose
// migrations never ran. Scenarios that leave the lab as the next one needs it share a lab.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  journalOf,
  type Lab,
  labChart,
  labParams,
  labRbx,
  orphanPendingUpgrade,
  repoFile,
  rollBackHalted,
  runIdOf,
  snapshotFiles,
  sql,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx, rbx } from "./support/rbx.js";
import { ledgers, run, scrydonLab, valuesFile, versions } from "./support/scrydon.js";

const NS = "scrydon-platform";
const CORTEX = "2.5.2-broken-cortex";
const helm = (lab: Lab, args: string[]) =>
  execFileSync("helm", [...args, "-n", NS], { env: lab.env, encoding: "utf8", stdio: "pipe" });
const kubectl = (lab: Lab, args: string[], input?: string) =>
  execFileSync("kubectl", args, {
    env: lab.env,
    encoding: "utf8",
    stdio: "pipe",
    ...(input ? { input } : {}),
  });
/** The `with:` a step started with, as the journal recorded it. */
const argsOf = (events: ReturnType<typeof journalOf>, step: string) =>
  (events.find((e) => e.type === "step.started" && e.step === step)?.args ?? {}) as Record<string, unknown>;
const started = (lab: Lab, id: string, action: string) =>
  journalOf(lab, id).filter((e) => e.type === "step.started" && e.action === action);

/** A migration of the lab's release as Drizzle records it: [hash, when]. */
function ledgerRow(db: string, version: string, tag: string): [string, number] {
  const dir = `lab/products/scrydon/migrations/${db}/${version}`;
  const journal = JSON.parse(repoFile(`${dir}/meta/_journal.json`)) as {
    entries: { tag: string; when: number }[];
  };
  const text = repoFile(`${dir}/${tag}.sql`);
  return [
    createHash("sha256").update(text).digest("hex"),
    journal.entries.find((e) => e.tag === tag)?.when ?? 0,
  ];
}

afterAll(() => killLiveRbx());

describe("scrydon: refused in precheck, before anything changed (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));
  // A halted run keeps its lock for resume or rollback: each scenario runs with a state directory of its own,
  // and its halted run is rolled back after it (nothing entered), releasing the target's lease for the next.
  let scenario = 0;
  beforeEach(() => {
    lab.stateDir = join(lab.dir, `state-${++scenario}`);
  });
  afterEach(async () => rollBackHalted(lab), 300_000);
  async function refused(params: Record<string, string>, step: string, message: RegExp) {
    const r = await run(lab, params);
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.step).toMatchObject({ key: step, status: "failed" });
    expect(st.text).toMatch(message);
    expect(st.json.rollbackNow).toEqual([]);
    expect(await snapshotFiles(lab)).toEqual([]);
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
  }

  it("an artefact cosign cannot verify with the release key halts at its signature check", async () => {
    const other = join(lab.dir, "tools", "other.pub");
    writeFileSync(other, "-----BEGIN PUBLIC KEY-----\nnot the release key\n-----END PUBLIC KEY-----\n");
    await refused({ cosignKey: other }, "verifyApiPlatformImage", /no matching signatures/);
  }, 300_000);

  it("an unhealthy audit forwarder halts at forwarderHealthy", async () => {
    const control = (stalled: boolean) =>
      fetch(`${lab.env.SCRYDON_AUDIT_FORWARDER_URL}/control`, {
        method: "POST",
        body: JSON.stringify({ stalled }),
      });
    await control(true);
    try {
      await refused({}, "forwarderHealthy", /the audit forwarder is not healthy/);
    } finally {
      await control(false);
    }
  }, 300_000);

  it("a partial tracking desync halts at its ledger with 001's contact-support", async () => {
    const url = lab.env.SCRYDON_ANALYTICS_DATABASE_URL ?? "";
    const [hash, when] = ledgerRow("analytics", "2.5.0", "0001_profiles_policy_bundles");
    await sql(url, "insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [
      hash,
      when,
    ]);
    await sql(url, "create table profiles (id serial primary key)");
    try {
      await refused({}, "analyticsLedger", /partial .*contact support before touching the tracking table/);
    } finally {
      await sql(url, "delete from drizzle.__drizzle_migrations where hash = $1", [hash]);
      await sql(url, "drop table profiles");
    }
  }, 300_000);

  it("a licence with under 90 days left halts at licence: rotate it first", async () => {
    helm(lab, [
      "upgrade",
      "scrydon",
      labChart(lab, "scrydon-2.4.0.tgz"),
      "--reuse-values",
      "--set",
      "license.days=30",
      "--wait",
      "--timeout",
      "1m",
    ]);
    await refused({}, "licence", /\(30 days left, 90 needed\): rotate it before upgrading/);
  }, 300_000);

  it("a release left pending-upgrade by another helm is refused at history", async () => {
    await orphanPendingUpgrade(lab, "scrydon", NS, labChart(lab, "scrydon-2.4.0.tgz"), [
      "--set",
      "apiPlatform.podAnnotations.lab\\.rbx\\.dev/fault=never-ready",
    ]);
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.step).toMatchObject({ key: "history", status: "failed" });
    expect(st.text).toMatch(
      /scrydon is pending-upgrade at revision \d+: another helm operation .*Nothing has been changed by this run/,
    );
    expect(st.json.rollbackNow).toEqual([]);
    expect(await snapshotFiles(lab)).toEqual([]);
  }, 300_000);
});

describe("scrydon: the customer's layout", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("analytics disabled and agentic in its own namespace: kept by the upgrade, nothing of analytics touched, agentic awaited there", async () => {
    // The customer's layout at 2.4.0 (001 lab note: the database Secret must exist in each namespace used).
    const secret = JSON.parse(
      kubectl(lab, ["get", "secret", "scrydon-postgres", "-n", NS, "-o", "json"]),
    ) as {
      data: Record<string, string>;
    };
    const copy = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "scrydon-postgres", namespace: "scrydon-agentic" },
      data: secret.data,
    };
    kubectl(lab, ["create", "namespace", "scrydon-agentic"]);
    kubectl(lab, ["apply", "-f", "-"], JSON.stringify(copy));
    const layout = "analytics:\n  enabled: false\nnamespaces:\n  agentic: scrydon-agentic\n";
    const customer = valuesFile(lab, "customer.yaml", layout);
    helm(lab, [
      "upgrade",
      "scrydon",
      labChart(lab, "scrydon-2.4.0.tgz"),
      "--values",
      customer,
      "--wait",
      "--timeout",
      "1m",
    ]);
    // The agentic Service moved: read its URL again from the lab, as an operator re-runs `rbx lab env`.
    // The lab notices the moved Service within its poll: ask again (bounded) until it gives the new URL.
    const before = lab.env.SCRYDON_AGENTIC_URL;
    for (let i = 0; i < 40; i++) {
      const env = await rbx(["lab", "env", "--dir", join(lab.dir, "lab")], { env: lab.env });
      lab.env.SCRYDON_AGENTIC_URL = /export SCRYDON_AGENTIC_URL='([^']+)'/.exec(env.stdout)?.[1] ?? "";
      if (lab.env.SCRYDON_AGENTIC_URL !== before) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const r = await run(lab, { valuesFile: customer });
    expect(r.code, r.stderr).toBe(0);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    const values = JSON.parse(helm(lab, ["get", "values", "scrydon", "--all", "-o", "json"])) as {
      analytics: { enabled: boolean };
      namespaces: { agentic: string };
    };
    expect(values.analytics.enabled).toBe(false);
    expect(values.namespaces.agentic).toBe("scrydon-agentic");
    const image = kubectl(lab, [
      "get",
      "deploy",
      "agentic",
      "-n",
      "scrydon-agentic",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    expect(image).toBe("registry.example/scrydon/agentic:2.5.0");
    expect(() => kubectl(lab, ["get", "deploy", "analytics", "-n", NS])).toThrow();
    const events = journalOf(lab, id);
    const skipped = events.filter((e) => e.type === "step.skipped").map((e) => e.step);
    expect(skipped).toEqual(
      expect.arrayContaining([
        "analyticsSnapshot",
        "analyticsLedger",
        "analyticsRollout",
        "verifyAnalyticsImage",
      ]),
    );
    const set = argsOf(events, "upgrade").set as Record<string, unknown>;
    expect(Object.keys(set).filter((k) => !k.endsWith(".migration.repairTracking"))).toEqual([]);
    expect(argsOf(events, "agenticRollout").namespace).toBe("scrydon-agentic");
  }, 600_000);
});

describe("scrydon: a repairable tracking desync", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("is repaired through the chart flag after the snapshots, inside the boundary, and the flag set back", async () => {
    // agentic's ledger claims 2.5.0's 0001_knowledge_bases, whose table does not exist (001's desync).
    const [hash, when] = ledgerRow("agentic", "2.5.0", "0001_knowledge_bases");
    await sql(
      lab.env.SCRYDON_AGENTIC_DATABASE_URL ?? "",
      "insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)",
      [hash, when],
    );
    const r = await run(lab, {});
    expect(r.code, r.stderr).toBe(0);
    const id = runIdOf(r);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    const events = journalOf(lab, id);
    const at = (step: string) => events.findIndex((e) => e.type === "step.started" && e.step === step);
    expect(at("agenticSnapshot")).toBeLessThan(at("upgrade"));
    expect(argsOf(events, "upgrade").set).toMatchObject({
      "agentic.migration.repairTracking": true,
      "auth.migration.repairTracking": false,
    });
    expect(at("clearRepairFlags")).toBeGreaterThan(at("agenticLedgerAfter"));
    expect(events.find((e) => e.type === "step.succeeded" && e.step === "repairFlagsCleared")).toBeDefined();
    expect(started(lab, id, "sql.repairTracking")).toEqual([]);
    const tables = await sql<{ t: string | null }>(
      lab.env.SCRYDON_AGENTIC_DATABASE_URL ?? "",
      "select to_regclass('public.knowledge_bases')::text as t",
    );
    expect(tables[0]?.t).toBe("knowledge_bases");
    const values = JSON.parse(helm(lab, ["get", "values", "scrydon", "--all", "-o", "json"])) as {
      agentic: { migration: { repairTracking: boolean } };
    };
    expect(values.agentic.migration.repairTracking).toBe(false);
    expect(await ledgers(lab)).toEqual([2, 2, 2, 1, 2]);
  }, 600_000);
});

describe("scrydon: a cortex migration that fails — restored, then skipped (one lab)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("halts at the upgrade; rbx status says which restores a rollback runs; the rollback restores only what moved", async () => {
    const r = await run(lab, { targetVersion: CORTEX });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const st = await statusOf(lab, id);
    expect(st.json.step).toMatchObject({ key: "upgrade", status: "failed" });
    expect(st.text).toMatch(/Failed hook job \S*cortex-migration/);
    expect(st.text).toMatch(/failing migration.*0001_models_owner_fk/);
    // Every other database migrated before cortex failed (helm runs weight 6 by name: cortex last).
    expect(await ledgers(lab)).toEqual([2, 2, 2, 1, 2]);
    // Which database each restore is for, and what rbx status says of it.
    type Step = { action: string; when?: string; will?: string };
    const restoreDecisions = (report: { rollbackNow: { steps: Step[] }[] }) =>
      Object.fromEntries(
        report.rollbackNow
          .flatMap((b) => b.steps)
          .filter((st) => st.action === "snapshot.restore")
          .map((st) => [/steps\.(\w+)Snapshot\.output\)/.exec(st.when ?? "")?.[1], st.will]),
      );
    expect(restoreDecisions(st.json as never)).toEqual({
      auth: "unknown",
      agentic: "unknown",
      analytics: "unknown",
      cortex: "unknown",
      ontology: "unknown",
    });
    const preview = await labRbx(lab, ["status", id, "--json", "--preview-rollback"]);
    expect(restoreDecisions(JSON.parse(preview.stdout))).toEqual({
      auth: "run",
      agentic: "run",
      analytics: "run",
      cortex: "skip",
      ontology: "run",
    });
    expect((await labRbx(lab, ["status", id, "--preview-rollback"])).stdout).toMatch(
      /rollback:\S+ {2}snapshot\.restore .*cortexSnapshot.*— will skip: `/,
    );
    const rb = await labRbx(lab, ["rollback", id]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("rolled-back");
    const restored = started(lab, id, "snapshot.restore").map((e) =>
      String((e.args as Record<string, unknown>).connection),
    );
    expect(restored.sort()).toEqual(["agenticDb", "analyticsDb", "authDb", "ontologyDb"]);
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
  }, 600_000);

  it("001's skip: the failing migration is marked applied and the upgrade re-run, completing the release", async () => {
    const r = await run(lab, { targetVersion: CORTEX });
    expect(r.code, r.stderr).toBe(3);
    const id = runIdOf(r);
    const skip = await labRbx(lab, [
      "skip",
      id,
      "upgrade",
      "--reason",
      "models_owner_fk needs owners, which ships in 2.6 (INC-7)",
    ]);
    expect(skip.code, skip.stderr).toBe(0);
    const resumed = await labRbx(lab, [
      "resume",
      id,
      "--approve",
      "skipMigration=cortex:0001_models_owner_fk",
      "--approve",
      "markCortexApplied",
      "--approve",
      "dashboardsCompared",
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await statusOf(lab, id)).json.status).toBe("completed");
    const granted = journalOf(lab, id).find(
      (e) => e.type === "approval.granted" && e.step === "skipMigration",
    );
    expect(granted).toMatchObject({ value: "cortex:0001_models_owner_fk" });
    expect(await ledgers(lab)).toEqual([2, 2, 2, 2, 2]);
    const fk = await sql<{ n: number }>(
      lab.env.SCRYDON_CORTEX_DATABASE_URL ?? "",
      "select count(*)::int as n from pg_constraint where conname = 'models_owner_fk'",
    );
    expect(fk[0]?.n).toBe(0);
    expect(await versions(lab)).toEqual([CORTEX, CORTEX, CORTEX, CORTEX, CORTEX]);
  }, 600_000);
});

describe("scrydon: a backfill that fails", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("halts after the rollout at backfills, with no rollback: resume or restart the backfill", async () => {
    const values = valuesFile(lab, "backfill-fails.yaml", "backfill:\n  seconds: 2\n  fail: true\n");
    const r = await run(lab, { valuesFile: values });
    expect(r.code, r.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(r));
    expect(st.json.status).toBe("halted");
    expect(st.json.step).toMatchObject({ key: "backfillsCompleted", status: "failed" });
    expect(st.text).toMatch(/a backfill failed .*audit_source_backfill.*resume or restart it \(001\)/);
    expect(await versions(lab)).toEqual(["2.5.0", "2.5.0", "2.5.0", "2.5.0", "2.5.0"]);
  }, 600_000);
});

describe("scrydon: a fresh install whose migrations never ran (001)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await scrydonLab();
  }, 300_000);
  afterAll(async () => stopLab(lab));

  it("the upgrade points at the recovery runbook, which re-runs the migrations with --reuse-values", async () => {
    helm(lab, ["uninstall", "scrydon", "--wait", "--timeout", "1m"]);
    for (const db of ["auth", "agentic", "analytics", "cortex", "ontology"])
      await sql(
        lab.env[`SCRYDON_${db.toUpperCase()}_DATABASE_URL`] ?? "",
        "drop schema if exists drizzle cascade; drop schema public cascade; create schema public",
      );
    // No schema: the pods never become ready, the install fails and its post-install hooks are skipped.
    expect(() =>
      helm(lab, ["install", "scrydon", labChart(lab, "scrydon-2.4.0.tgz"), "--wait", "--timeout", "15s"]),
    ).toThrow();
    const upgrade = await run(lab, {});
    expect(upgrade.code, upgrade.stderr).toBe(3);
    const st = await statusOf(lab, runIdOf(upgrade));
    expect(st.json.step).toMatchObject({ key: "history", status: "failed" });
    expect(st.text).toMatch(
      /a failed first install .*recover with runbooks\/scrydon-rerun-migrations\.rb\.yaml/,
    );
    // The refused upgrade is ended (nothing entered, nothing undone) so its locks — the target's lease too — free
    // the release for the recovery runbook.
    await rollBackHalted(lab);
    const args = [
      "run",
      "runbooks/scrydon-rerun-migrations.rb.yaml",
      "--params-file",
      labParams("scrydon-rerun-migrations"),
      "--approve-all",
    ];
    const rerun = await labRbx(lab, [
      ...args,
      "--param",
      `chart=${labChart(lab, "scrydon-2.4.0.tgz")}`,
      "--param",
      "upgradeTimeout=1m",
    ]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await statusOf(lab, runIdOf(rerun))).json.status).toBe("completed");
    expect(await ledgers(lab)).toEqual([1, 1, 1, 1, 1]);
    expect(await versions(lab)).toEqual(["2.4.0", "2.4.0", "2.4.0", "2.4.0", "2.4.0"]);
  }, 600_000);
});
