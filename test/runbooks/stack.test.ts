// Rehearsal of runbooks/stack.rb.yaml in one lab holding the three products: Alexandria EE failing its verification
// after Kryton and Scrydon moved (it rolls itself back, the stack stops there and unwinds Scrydon, then Kryton:
// every product back on its old version), then the whole stack upgraded in order; and the deploy-marker example
// package's runbook against the lab's marker service. One lab for all three keeps CI lean.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleProject, exampleRunbook } from "../support/example-project.js";
import {
  getJson,
  type Lab,
  labChart,
  labParams,
  labRbx,
  runIdOf,
  startLab,
  statusOf,
  stopLab,
} from "./support/lab.js";
import { killLiveRbx, REPO, rbx } from "./support/rbx.js";

const RUNBOOK = "runbooks/stack.rb.yaml";

let lab: Lab | undefined;

/** The lab with the three products at their old versions; cosign, crane, the audit forwarder, the cosign key and
 * Scrydon's admin password come from rbx lab env, as they do for an operator. */
beforeAll(async () => {
  lab = await startLab(["kryton", "scrydon", "alexandria"]);
  mkdirSync(join(lab.dir, "tools"), { recursive: true });
}, 600_000);

afterAll(async () => {
  killLiveRbx();
  await stopLab(lab);
}, 180_000);

/** `rbx run` of the stack with the lab params and the lab's chart packages, plus overrides. */
function runStack(l: Lab, params: Record<string, string> = {}) {
  const all: Record<string, string> = {
    krytonChart: labChart(l, "kryton-4.6.5.tgz"),
    scrydonChart: labChart(l, "scrydon-2.5.0.tgz"),
    alexandriaChart: labChart(l, "alexandria-ee-1.3.0.tgz"),
    rolloutTimeout: "40s",
    ...params,
  };
  const args = ["run", RUNBOOK, "--params-file", labParams("stack"), "--approve-all"];
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args);
}

/** What each product serves now. */
async function versions(l: Lab) {
  return {
    kryton: (await getJson(`${l.env.KRYTON_URL}/api/version`)).body.version,
    scrydon: (await getJson(`${l.env.SCRYDON_URL}/api/version`)).body.version,
    alexandria: (await getJson(`${l.env.ALEXANDRIA_URL}/version`)).body.version,
  };
}

/** A run's journal events. */
function journal(l: Lab, runId: string): Record<string, unknown>[] {
  return readFileSync(join(l.stateDir, "runs", `${runId}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The stack's child runs in the order it started them: step, run id, and when each reached its last event. */
function children(l: Lab, runId: string) {
  return journal(l, runId)
    .filter((e) => e.type === "child.started")
    .map((e) => {
      const events = journal(l, e.runId as string);
      return {
        step: e.step as string,
        runId: e.runId as string,
        parent: events[0]?.parent,
        last: events.at(-1)?.type,
        endedAt: String(events.at(-1)?.at),
      };
    });
}

describe("the stack runbook rehearsed in the lab", () => {
  it("Alexandria EE fails after Kryton and Scrydon moved: it rolls itself back, the stack unwinds Scrydon, then Kryton", async () => {
    const l = lab as Lab;
    expect(await versions(l)).toEqual({ kryton: "4.6.4", scrydon: "2.4.0", alexandria: "v1.2.3" });
    // The licence tier the verification expects is not the one the site values give: Alexandria's own check fails.
    const site = join(l.dir, "tools", "site-values.yaml");
    writeFileSync(
      site,
      `${readFileSync(join(REPO, "runbooks/lab/alexandria-site-values.yaml"), "utf8")}\ntier: starter\n`,
    );
    const r = await runStack(l, { alexandriaTier: "professional", alexandriaSiteValues: site });
    expect(r.code, r.stderr).toBe(1);
    const id = runIdOf(r);
    const status = await statusOf(l, id);
    expect(status.json.status).toBe("rolled-back");
    expect(status.json.rollback).toMatchObject({
      reason: "failure",
      trigger: "alexandriaUpgrade",
      boundaries: ["alexandria", "scrydon", "kryton"],
      done: true,
    });
    const kids = children(l, id);
    expect(kids.map((k) => [k.step, k.parent, k.last])).toEqual([
      ["krytonUpgrade", { runId: id, step: "krytonUpgrade" }, "run.rolled-back"],
      ["scrydonUpgrade", { runId: id, step: "scrydonUpgrade" }, "run.rolled-back"],
      ["alexandriaUpgrade", { runId: id, step: "alexandriaUpgrade" }, "run.rolled-back"],
    ]);
    // Newest first: Alexandria EE (by itself), then Scrydon, then Kryton.
    const ended = [...kids].reverse().map((k) => k.endedAt);
    expect([...ended].sort()).toEqual(ended);
    expect(await versions(l)).toEqual({ kryton: "4.6.4", scrydon: "2.4.0", alexandria: "v1.2.3" });
  }, 1_500_000);

  it("upgrades the three products in order and verifies them on their targets", async () => {
    const l = lab as Lab;
    const r = await runStack(l);
    expect(r.code, r.stderr).toBe(0);
    const id = runIdOf(r);
    expect((await statusOf(l, id)).json.status).toBe("completed");
    expect(children(l, id).map((k) => [k.step, k.last])).toEqual([
      ["krytonUpgrade", "run.completed"],
      ["scrydonUpgrade", "run.completed"],
      ["alexandriaUpgrade", "run.completed"],
    ]);
    expect(journal(l, id)[0]).toMatchObject({
      imports: [{ name: "stack-checks", version: "1.0.0", checks: ["stack-ready", "stack-versions"] }],
    });
    expect(await versions(l)).toEqual({ kryton: "4.6.5", scrydon: "2.5.0", alexandria: "v1.3.0" });
  }, 1_500_000);

  it("the deploy-marker package records, finds and retracts markers in the lab's marker service", async () => {
    const l = lab as Lab;
    const p = exampleProject("deploy-marker");
    try {
      const runbook = exampleRunbook(p, "deploy-marker", "release-marker.rb.yaml");
      const opts = { env: l.env, cwd: p.dir, timeoutMs: 120_000 };
      const args = (verb: string, ...rest: string[]) => [verb, ...rest, "--state-dir", join(p.dir, "state")];
      const run = await rbx(
        args("run", runbook, "--param", "product=kryton", "--param", "version=4.6.5"),
        opts,
      );
      expect(run.code, run.stderr).toBe(0);
      const id = runIdOf(run);
      const headers = { authorization: `Bearer ${l.env.RBX_LAB_MARKERS_TOKEN}` };
      const list = async () =>
        (
          (await (
            await fetch(`${l.env.RBX_LAB_MARKERS_URL}/api/markers?product=kryton`, { headers })
          ).json()) as {
            markers: { key: string; version: string; retractedAt?: string }[];
          }
        ).markers;
      expect(await list()).toEqual([expect.objectContaining({ key: `${id}/marker`, version: "4.6.5" })]);
      const back = await rbx(args("rollback", id), opts);
      expect(back.code, back.stderr).toBe(0);
      expect((await list())[0]?.retractedAt).toBeDefined();
    } finally {
      p.remove();
    }
  }, 300_000);
});
