// Secrets masked by taint everywhere they travel; params checked before anything runs; plans and their hash.

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRunbook } from "../../src/run/bind/bind-document.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness, STORES } from "./harness.js";

// Every test runs against both stores: the file store and a fresh database on the test run's PostgreSQL.
describe.each(STORES)("%s store", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create(kind);
  });
  afterEach(() => h.cleanup());

  const SECRET = "s3cr3t-Pa55";

  function secretRunbook(): string {
    h.write("token.txt", "tok-0123456789\n");
    return h.write(
      "s.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: secretive, version: 1.0.0 }
params:
  dbPassword: { type: secret, from: env.DB_PASSWORD }
  shout: { type: bool, default: false }
connections:
  db: { kind: postgres, url: "postgres://app:\${{ params.dbPassword }}@db:5432/app" }
onFailure: halt
phases:
  - id: one
    steps:
      - id: echo
        action: exec
        with:
          program: ${process.execPath}
          args: ["-e", "console.log('pw=' + process.argv[1])", "\${{ params.dbPassword }}"]
      - id: url
        action: test.append
        with: { path: "${h.path("out.txt")}", line: "url=postgres://app:\${{ params.dbPassword }}@db/app" }
      - id: derived
        action: test.append
        with: { path: "${h.path("out.txt")}", line: "\${{ params.dbPassword.upperAscii() }}" }
      - id: token
        action: test.token
        with: { path: "${h.path("token.txt")}" }
      - id: boom
        action: test.fail
        with: { message: "cannot log in with \${{ params.dbPassword }} (token \${{ steps.token.output.token }})" }
`,
    );
  }

  describe("secrets", () => {
    it("never reach the journal, by value, derived or registered by an action", async () => {
      const file = secretRunbook();
      const r = await startRun(
        file,
        { cli: new Map() },
        undefined,
        h.opts({ env: { PATH: process.env.PATH, DB_PASSWORD: SECRET } }),
      );
      expect(r.exit).toBe(3);
      expect(readFileSync(h.path("out.txt"), "utf8")).toBe(
        `url=postgres://app:${SECRET}@db/app\n${SECRET.toUpperCase()}\n`,
      );
      const raw = await h.rawJournal(r.runId as string);
      for (const leak of [SECRET, SECRET.toUpperCase(), "tok-0123456789", encodeURIComponent(SECRET)]) {
        expect(raw).not.toContain(leak);
      }
      const j = await h.journal(r.runId as string);
      expect(j.find((l) => l.startsWith("run.started"))).toContain(
        '"params":{"dbPassword":"***","shout":false}',
      );
      expect(j.find((l) => l.startsWith('step.succeeded {"step":"echo"'))).toContain('"stdout":"pw=***\\n"');
      expect(j.find((l) => l.startsWith('step.started {"step":"url"'))).toContain(
        '"line":"url=postgres://app:***@db/app"',
      );
      expect(j.find((l) => l.startsWith('step.started {"step":"derived"'))).toContain('"line":"***"');
      expect(j.find((l) => l.startsWith('step.succeeded {"step":"token"'))).toContain('"token":"***"');
      expect(j.find((l) => l.startsWith("step.failed"))).toContain("cannot log in with *** (token ***)");
    });

    it("are redacted in the plan, which shows the exact argv", () => {
      const file = secretRunbook();
      const plan = planRunbook(
        file,
        { cli: new Map() },
        { cwd: h.dir, env: { DB_PASSWORD: SECRET }, catalog: h.catalog, say: (l) => h.said.push(l) },
      );
      expect(plan).toBeDefined();
      const text = JSON.stringify(plan);
      expect(text).not.toContain(SECRET);
      const echo = plan?.phases[0]?.steps[0];
      expect(echo?.effects).toEqual([
        {
          kind: "command",
          text: `${process.execPath} -e 'console.log('\\''pw='\\'' + process.argv[1])' ***`,
        },
      ]);
      expect(echo?.onFailure).toEqual({ policy: "halt", unwinds: [] });
    });
  });

  describe("params", () => {
    const file = () =>
      h.write(
        "p.rb.yaml",
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: typed, version: 1.0.0 }
params:
  version: { type: semver }
  replicas: { type: int, default: 2 }
  mode: { type: enum, values: [fast, safe], default: safe }
  token: { type: secret, from: env.TOKEN }
phases:
  - id: one
    steps:
      - id: w
        action: test.append
        with: { path: "${h.path("x.txt")}", line: x }
`,
      );

    it("are checked against their types before anything runs (exit 2)", async () => {
      const r = await startRun(
        file(),
        {
          cli: new Map([
            ["version", "latest"],
            ["replicas", "two"],
            ["mode", "quick"],
            ["token", "abc"],
            ["typo", "1"],
          ]),
        },
        undefined,
        h.opts(),
      );
      expect(r.exit).toBe(2);
      expect(h.said).toEqual([
        'error: unknown param "typo"; the runbook declares: version, replicas, mode, token',
        'error: param "version" must be a semantic version such as 1.4.0; got "latest"',
        'error: param "replicas" must be a whole number; got "two"',
        'error: param "mode" must be one of fast, safe; got "quick"',
        'error: param "token" is a secret: do not pass it on the command line (it would show in shell history and ps); set it in the environment variable TOKEN or a params file',
      ]);
      expect(await h.store.list()).toEqual([]);
    });

    it("report a missing required value and where to give it", async () => {
      const r = await startRun(file(), { cli: new Map([["version", "1.2.3"]]) }, undefined, h.opts());
      expect(r.exit).toBe(2);
      expect(h.said).toEqual([
        'error: param "token" (secret) is required: set the environment variable TOKEN',
      ]);
    });
  });

  describe("plan", () => {
    const file = () =>
      h.write(
        "plan.rb.yaml",
        `apiVersion: rbx/v1
kind: Runbook
metadata: { name: planned, version: 1.0.0 }
params:
  tag: { type: string }
phases:
  - id: pre
    steps:
      - id: hist
        action: test.read
        with: { path: "${h.path("h.txt")}" }
  - id: upgrade
    rollback:
      - action: exec
        with: { program: echo, args: ["rollback to", "\${{ string(steps.hist.output.count) }}"] }
    steps:
      - id: up
        action: exec
        with: { program: echo, args: ["upgrade", "\${{ params.tag }}"] }
        retry: { attempts: 3, every: 1s }
        expect: [{ that: output.exitCode == 0 }]
`,
      );
    const opts = () => ({
      cwd: h.dir,
      env: {},
      catalog: h.catalog,
      say: (l: string) => h.said.push(l),
    });

    it("lists steps in order with commands, templates left for run time, and rollback posture", () => {
      const plan = planRunbook(file(), { cli: new Map([["tag", "v2"]]) }, opts());
      expect(
        plan?.phases.map((p) => [
          p.id,
          p.boundary,
          p.steps.map((s) => [s.key, s.effects.map((e) => e.text), s.onFailure]),
        ]),
      ).toEqual([
        ["pre", false, [["hist", [`read ${h.path("h.txt")}`], { policy: "rollback", unwinds: [] }]]],
        ["upgrade", true, [["up", ["echo upgrade v2"], { policy: "rollback", unwinds: ["upgrade"] }]]],
      ]);
      const template = ["$", "{{ string(steps.hist.output.count) }}"].join("");
      expect(plan?.phases[1]?.rollback[0]?.effects[0]?.text).toBe(`echo 'rollback to' '${template}'`);
      expect(plan?.phases[1]?.steps[0]).toMatchObject({
        retry: "3 attempts, every 1s",
        expect: ["output.exitCode == 0"],
      });
    });

    it("has a hash that follows the params, and run --plan-hash refuses a different plan", async () => {
      const a = planRunbook(file(), { cli: new Map([["tag", "v2"]]) }, opts());
      const b = planRunbook(file(), { cli: new Map([["tag", "v2"]]) }, opts());
      const c = planRunbook(file(), { cli: new Map([["tag", "v3"]]) }, opts());
      expect(a?.planHash).toBe(b?.planHash);
      expect(a?.planHash).not.toBe(c?.planHash);
      const refused = await startRun(file(), { cli: new Map([["tag", "v3"]]) }, a?.planHash, h.opts());
      expect(refused.exit).toBe(2);
      expect(h.said.at(-1)).toContain(`not the reviewed ${a?.planHash}`);
      const ok = await startRun(file(), { cli: new Map([["tag", "v2"]]) }, a?.planHash, h.opts());
      expect(ok.exit).toBe(0);
    });
  });
});
