// The run verbs through the real CLI: exit codes, SIGINT, plan hash, status on a tampered journal, runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startRbx } from "./cli.js";
import { CLI_STORES, CliStores } from "./stores.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-cli-"));
  writeFileSync(
    join(dir, "sleepy.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: sleepy, version: 1.0.0 }
params:
  seconds: { type: int, default: 30 }
phases:
  - id: wait
    steps:
      - id: nap
        action: exec
        with: { program: sleep, args: ["\${{ string(params.seconds) }}"] }
`,
  );
  writeFileSync(
    join(dir, "fails.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: fails, version: 1.0.0 }
phases:
  - id: change
    rollback:
      - action: exec
        with: { program: tee, args: ["-a", "${join(dir, "undo.txt")}"], input: "undone\\n" }
    steps:
      - id: bad
        action: exec
        with: { program: ${process.execPath}, args: ["-e", "console.error('migration 0042 failed'); process.exit(3)"] }
`,
  );
});
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

// Every test runs against both stores: state directories, or databases on the test run's PostgreSQL (--store).
describe.each(CLI_STORES)("rbx run (%s store)", (kind) => {
  let stores: CliStores;
  beforeAll(() => {
    stores = new CliStores(kind, dir);
  });
  afterAll(() => stores.dispose());

  it("exits 1 after a failed step was rolled back, and 2 on usage errors", async () => {
    rmSync(join(dir, "undo.txt"), { force: true });
    const r = await startRbx(["run", "fails.rb.yaml", ...(await stores.args("s1"))], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("migration 0042 failed");
    expect(r.stderr).toMatch(/✗ run \S+ failed and was rolled back/);
    expect(readFileSync(join(dir, "undo.txt"), "utf8")).toBe("undone\n");
    const usage = await startRbx(
      ["run", "sleepy.rb.yaml", "--param", "seconds=soon", ...(await stores.args("s1"))],
      {
        cwd: dir,
      },
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('param "seconds" must be a whole number; got "soon"');
  });

  it("aborts the running action on SIGINT, records interrupted, and exits 130", async () => {
    const started = Date.now();
    let sent = false;
    const r = await startRbx(["run", "sleepy.rb.yaml", ...(await stores.args("s2"))], {
      cwd: dir,
      onStderr: (text, child) => {
        if (!sent && text.includes("… nap")) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(20_000);
    const events = (await stores.newest("s2")).read.events;
    expect(events.at(-1)).toMatchObject({ type: "run.interrupted", step: "nap", signal: "SIGINT" });
    const status = await startRbx(["status", ...(await stores.args("s2"))], { cwd: dir });
    expect(status.stdout).toContain("state:     interrupted");
    expect(status.stdout).toContain("rbx resume");
  });

  it("prints a plan hash that run --plan-hash checks", async () => {
    const plan = await startRbx(["plan", "sleepy.rb.yaml", "--param", "seconds=1", "--json"], { cwd: dir });
    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.stdout) as {
      planHash: string;
      phases: { steps: { effects: { text: string }[] }[] }[];
    };
    expect(parsed.phases[0]?.steps[0]?.effects[0]?.text).toBe("sleep 1");
    const refused = await startRbx(
      [
        "run",
        "sleepy.rb.yaml",
        "--param",
        "seconds=0",
        "--plan-hash",
        parsed.planHash,
        ...(await stores.args("s3")),
      ],
      { cwd: dir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`not the reviewed ${parsed.planHash}`);
    const ok = await startRbx(
      [
        "run",
        "sleepy.rb.yaml",
        "--param",
        "seconds=1",
        "--plan-hash",
        parsed.planHash,
        ...(await stores.args("s3")),
      ],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
  });

  it("status reports a journal that was edited; runs lists the state of each run", async () => {
    await stores.tamper("s3", '"seconds":1', '"seconds":2');
    const status = await startRbx(["status", ...(await stores.args("s3"))], { cwd: dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("journal:   DOES NOT VERIFY — event 2 does not chain to event 1");
    const resume = await startRbx(["resume", "latest", ...(await stores.args("s3"))], { cwd: dir });
    expect(resume.code).toBe(2);
    const runs = await startRbx(["runs", ...(await stores.args("s1"))], { cwd: dir });
    const [header, row] = runs.stdout.split("\n");
    expect(header).toMatch(/^RUN\s+STATE\s+RUNBOOK\s+STARTED\s+JOURNAL$/);
    expect(row).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}\s+rolled-back\s+fails 1\.0\.0\s+\S+Z\s+verifies$/);
    const edited = await startRbx(["runs", ...(await stores.args("s3"))], { cwd: dir });
    expect(edited.stdout.split("\n")[1]).toMatch(/\sDOES NOT VERIFY \(rbx status RUN shows where\)$/);
  });
});
