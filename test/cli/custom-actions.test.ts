// A team's own actions through the built CLI: the deploy-marker example installed as a package in a project, run
// against the lab's marker service — validate, lint, schema, plan, run, a crash mid-write settled by the probe,
// rollback — and a module whose action throws a secret: a failed step, masked everywhere.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MarkerServer, startMarkerServer } from "../../lab/markers/server.js";
import { runIdOf } from "../runbooks/support/lab.js";
import { type Ended, killLiveRbx, rbx } from "../runbooks/support/rbx.js";
import { exampleProject, exampleRunbook } from "../support/example-project.js";
import type { ProjectDir } from "../support/project-dir.js";
import { buildOnce } from "./run-rbx.js";

const TOKEN = "lab-marker-token-secret-42";

/** A module whose actions throw while running, quoting the secret they were given. */
const LEAKY = `import { defineAction, T } from "rbx-runbooks";
export const leak = defineAction({
  name: "acme.leaky.call",
  effect: "write",
  summary: "Calls a service that quotes the token back in its error",
  input: { type: "object", required: ["token"], properties: { token: { type: "string" } } },
  output: T.dyn,
  plan: () => [{ kind: "note", text: "calls the leaky service" }],
  run: async (_ctx, args) => {
    throw new Error("the service said no to token " + args.token);
  },
});
`;

const LEAKY_RUNBOOK = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: leaky, version: 1.0.0 }
params:
  token: { type: secret, from: env.RBX_LAB_MARKERS_TOKEN }
onFailure: halt
phases:
  - id: call
    steps:
      - id: call
        action: acme.leaky.call
        with: { token: "\${{ params.token }}" }
`;

let server: MarkerServer;
let p: ProjectDir;
let runbook = "";
let env: Record<string, string> = {};

beforeAll(async () => {
  buildOnce();
  server = await startMarkerServer({ token: TOKEN });
  p = exampleProject("deploy-marker", ["./rbx-actions/leaky.js"]);
  p.write("rbx-actions/leaky.js", LEAKY);
  p.write("runbooks/leaky.rb.yaml", LEAKY_RUNBOOK);
  runbook = exampleRunbook(p, "deploy-marker", "release-marker.rb.yaml");
  env = { PATH: process.env.PATH ?? "", RBX_LAB_MARKERS_URL: server.url, RBX_LAB_MARKERS_TOKEN: TOKEN };
}, 180_000);

afterEach(() => {
  killLiveRbx();
  server.delayWrites(0);
});
afterAll(async () => {
  killLiveRbx();
  await server?.stop();
  p?.remove();
});

const cli = (
  args: string[],
  extra: { onStderr?: Parameters<typeof rbx>[1]["onStderr"] } = {},
): Promise<Ended> =>
  rbx(
    [
      ...args,
      ...(["run", "resume", "rollback", "status"].includes(args[0] ?? "") ? ["--state-dir", "state"] : []),
    ],
    {
      env,
      cwd: p.dir,
      timeoutMs: 60_000,
      ...extra,
    },
  );

const params = (product: string) => ["--param", `product=${product}`, "--param", "version=4.6.5"];

function journal(runId: string): Record<string, unknown>[] {
  return readFileSync(join(p.dir, "state", "runs", `${runId}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("a project's action package through every verb", () => {
  it("validate, lint, schema and graph see its actions", async () => {
    const validate = await cli(["validate", "runbooks"]);
    expect(validate.stdout + validate.stderr).toContain("2 runbooks valid");
    expect(validate.code).toBe(0);
    const lint = await cli(["lint", runbook]);
    expect(lint.stdout).toBe("no problems in 1 file\n");
    expect(lint.code).toBe(0);
    const schema = JSON.parse((await cli(["schema"])).stdout) as {
      $defs: { actions: Record<string, object> };
    };
    expect(Object.keys(schema.$defs.actions)).toEqual(
      expect.arrayContaining(["acme.marker.record", "acme.marker.find", "acme.leaky.call", "helm.upgrade"]),
    );
    expect((await cli(["graph", runbook])).stdout).toContain("acme.marker.record");
  });

  it("plan shows its plan line and the package it comes from", async () => {
    const plan = await cli(["plan", runbook, ...params("kryton")]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`http: POST ${server.url}/api/markers kryton 4.6.5 from \${{`);
    expect(plan.stdout).toMatch(
      /actions: acme\.marker\.(find|record), acme\.marker\.(find|record), acme\.marker\.retract from @rbx-examples\/deploy-marker@1\.0\.0 \(sha256 [0-9a-f]{12}\)/,
    );
    expect(plan.stdout).not.toContain(TOKEN);
  });

  it("run journals it, rollback retracts what it recorded", async () => {
    const run = await cli(["run", runbook, ...params("kryton")]);
    expect(run.code, run.stderr).toBe(0);
    const id = runIdOf(run);
    const events = journal(id);
    expect(events[0]).toMatchObject({
      type: "run.started",
      modules: [{ spec: "@rbx-examples/deploy-marker", package: { version: "1.0.0" } }],
    });
    expect(events.find((e) => e.type === "step.started" && e.step === "marker")).toMatchObject({
      action: "acme.marker.record",
      effect: "write",
    });
    const marker = server.markers().find((m) => m.product === "kryton");
    expect(marker).toMatchObject({ version: "4.6.5", key: `${id}/marker`, note: "recorded by rbx" });
    const back = await cli(["rollback", id]);
    expect(back.code, back.stderr).toBe(0);
    expect(server.markers().find((m) => m.id === marker?.id)?.retractedAt).toBeDefined();
    expect(JSON.stringify(journal(id))).not.toContain(TOKEN);
  });

  it("a crash mid-write leaves the step in doubt; resume asks the probe, which finds the marker: no second one", async () => {
    server.delayWrites(1_500);
    // SIGKILL rbx once the service holds its request: the write happens, rbx never hears of it.
    let child: ChildProcess | undefined;
    const running = cli(["run", runbook, ...params("scrydon")], { onStderr: (_t, c) => (child ??= c) });
    for (let i = 0; i < 100 && server.pendingWrites() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.pendingWrites()).toBe(1);
    child?.kill("SIGKILL");
    const run = await running;
    expect(run.signal).toBe("SIGKILL");
    const id = runIdOf(run);
    for (let i = 0; i < 50 && server.pendingWrites() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.markers().filter((m) => m.key === `${id}/marker`)).toHaveLength(1);
    server.delayWrites(0);
    const resumed = await cli(["resume", id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(journal(id).find((e) => e.type === "step.probed")).toMatchObject({
      step: "marker",
      result: "done",
    });
    expect(server.markers().filter((m) => m.key === `${id}/marker`)).toHaveLength(1);
  });

  it("an action that throws fails its step, with the secret it quoted masked in the journal and the output", async () => {
    const run = await cli(["run", "runbooks/leaky.rb.yaml"]);
    expect(run.code).toBe(3);
    const id = runIdOf(run);
    expect(journal(id).find((e) => e.type === "step.failed")).toMatchObject({
      step: "call",
      error: { kind: "action-error", message: "the service said no to token ***" },
    });
    for (const text of [
      run.stdout,
      run.stderr,
      JSON.stringify(journal(id)),
      (await cli(["status", id])).stdout,
    ])
      expect(text).not.toContain(TOKEN);
  });
});

describe("a module that cannot load", () => {
  it("is shown on its line of .rbx.yaml by validate; plan refuses; status still reads the journal", async () => {
    p.write("rbx-actions/broken.js", 'import "./missing-helper.js";\n');
    const config = readFileSync(join(p.dir, ".rbx.yaml"), "utf8");
    p.write(".rbx.yaml", `${config}  - ./rbx-actions/broken.js\n`);
    try {
      const validate = await cli(["validate", runbook]);
      expect(validate.code).toBe(1);
      expect(validate.stdout).toMatch(
        /\.rbx\.yaml:4:5: error: action module \.\/rbx-actions\/broken\.js: it threw while loading: Cannot find module .*missing-helper\.js.* \[action-module-failed\]\n4 \| {3}- \.\/rbx-actions\/broken\.js\n {2}\| {5}\^~+/,
      );
      const plan = await cli(["plan", runbook, ...params("kryton")]);
      expect(plan.code).toBe(2);
      expect(plan.stderr).toContain("lists action modules rbx cannot use; fix the problems above");
      expect(plan.stderr).not.toMatch(/\n\s+at /);
      const status = await cli(["status"]);
      expect(status.code).toBe(0);
    } finally {
      p.write(".rbx.yaml", config);
    }
  });
});
