// "What now?" through the built CLI: one set of recovery choices, no skip around approvals or safety checks,
// locks of halted runs, a running run's status, and one exit code per outcome whichever verb reaches it.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/run/model/events.js";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { type Ended, killAll, startRbx } from "./cli.js";
import { CLI_STORES, CliStores } from "./stores.js";

let dir: string;
let server: Server;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-recovery-"));
  // The licence endpoint a pre-check reads: it answers 503 until the operator looks at it.
  server = createServer((_req, res) => {
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("licence service unavailable");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  killAll();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};
const rbx = (...args: string[]): Promise<Ended> => startRbx(args, { cwd: dir });
/** The run id from the `RUN STATUS` line on stdout. */
const runIdOf = (r: Ended): string => (r.stdout.trim().split(/\s+/)[0] as string) ?? "";
const journal = (state: string, runId: string): RunEvent[] =>
  readJournalFile(join(dir, state, "runs", `${runId}.jsonl`)).events;
/** The commands a live view, `rbx status` or a Markdown report prints: every indented `rbx …` line. */
const commandsIn = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.replace(/^\S+Z {2}/, "").trim())
    .filter((l) => l.startsWith("rbx "));
interface StatusJson {
  status: string;
  phase?: string;
  choices: { verb: string; command: string; explains: string }[];
  follow?: { command: string }[];
  runner?: { user: string; pid: number };
  locks: { state: string; forceUnlock: boolean }[];
}
const statusJson = async (runId: string, state: string): Promise<StatusJson> =>
  JSON.parse((await rbx("status", runId, "--json", "--state-dir", state)).stdout) as StatusJson;
const reportChoices = async (runId: string, state: string): Promise<string[]> => {
  const r = await rbx("report", runId, "--format", "json", "--state-dir", state);
  return (JSON.parse(r.stdout) as { recovery: { command: string }[] }).recovery.map((c) => c.command);
};
async function until(test: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const head = (name: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: ${name}, version: 1.0.0 }
`;

// Against both stores: state directories, or databases on the test run's PostgreSQL (--store) beside them.
describe.each(CLI_STORES)("one answer for what now (%s store)", (kind) => {
  let stores: CliStores;
  beforeAll(() => {
    stores = new CliStores(kind, dir);
  });
  afterAll(() => stores.dispose());
  const at = (state: string) => stores.args(state);
  const events = async (state: string, runId: string): Promise<RunEvent[]> =>
    (await (await stores.store(state)).read(runId)).events;
  const statusOf = async (runId: string, state: string): Promise<StatusJson> =>
    JSON.parse((await rbx("status", runId, "--json", ...(await at(state)))).stdout) as StatusJson;
  const choicesOf = async (runId: string, state: string): Promise<string[]> => {
    const r = await rbx("report", runId, "--format", "json", ...(await at(state)));
    return (JSON.parse(r.stdout) as { recovery: { command: string }[] }).recovery.map((c) => c.command);
  };

  it("an approval gate is approved or rolled back, never skipped; the hint, status and report agree", async () => {
    write(
      "gate.rb.yaml",
      `${head("gate")}phases:
  - id: precheck
    steps:
      - id: ready
        action: exec
        with: { program: "true" }
  - id: upgrade
    rollback:
      - id: undo
        action: exec
        with: { program: "true" }
    steps:
      - id: gate
        action: approve
        with: { prompt: "Go ahead?" }
      - id: change
        action: exec
        with: { program: "true" }
`,
    );
    const state = "state dir 1";
    const run = await rbx("run", "gate.rb.yaml", ...(await at(state)));
    expect(run.code, run.stderr).toBe(3);
    const id = runIdOf(run);
    const expected = [
      `rbx resume ${id} --approve gate --state-dir 'state dir 1'`,
      `rbx approve ${id} gate --state-dir 'state dir 1'`,
      `rbx rollback ${id} --state-dir 'state dir 1'`,
    ];
    expect(commandsIn(run.stderr)).toEqual(expected);
    const status = await rbx("status", id, ...(await at(state)));
    expect(commandsIn(status.stdout)).toEqual(expected);
    expect(status.stdout).toContain("approve: approve gate yourself");
    expect((await statusOf(id, state)).choices.map((c) => c.verb)).toEqual([
      "approve",
      "approve",
      "rollback",
    ]);
    expect(await choicesOf(id, state)).toEqual(expected);

    const before = (await events(state, id)).length;
    const skip = await rbx("skip", id, "gate", "--reason", "nobody is around", ...(await at(state)));
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain("an approval is given only by approving");
    expect(skip.stderr).toContain(`rbx resume ${id} --approve gate --state-dir 'state dir 1'`);
    // Not even with the override of safety checks.
    const forced = await rbx("skip", id, "gate", "--reason", "x", "--override-check", ...(await at(state)));
    expect(forced.code).toBe(2);
    expect(await events(state, id)).toHaveLength(before);
    expect(skip.stderr + forced.stderr).not.toMatch(/ at \S+\.(js|ts):\d+/);

    expect((await rbx("resume", id, ...(await at(state)))).code).toBe(3);
    const approved = await rbx("resume", id, "--approve", "gate", ...(await at(state)));
    expect(approved.code, approved.stderr).toBe(0);
    expect((await events(state, id)).find((e) => e.type === "approval.granted")).toMatchObject({
      by: "tester",
    });
  });

  it("a failed write offers resume, skip and rollback, the same in all three places; skip then resume completes", async () => {
    write(
      "write.rb.yaml",
      `${head("write")}phases:
  - id: upgrade
    onFailure: halt
    rollback:
      - id: undo
        action: exec
        with: { program: "true" }
    steps:
      - id: migrate
        action: exec
        with: { program: sh, args: ["-c", "echo 'migration 7 failed' >&2; exit 3"] }
`,
    );
    const run = await rbx("run", "write.rb.yaml", ...(await at("w")));
    expect(run.code).toBe(3);
    const id = runIdOf(run);
    const expected = [
      `rbx resume ${id} --state-dir w`,
      `rbx skip ${id} migrate --state-dir w --reason '<why it is already done>'`,
      `rbx rollback ${id} --state-dir w`,
    ];
    expect(commandsIn(run.stderr)).toEqual(expected);
    expect(commandsIn((await rbx("status", id, ...(await at("w")))).stdout)).toEqual(expected);
    expect(await choicesOf(id, "w")).toEqual(expected);
    const md = await rbx("report", id, ...(await at("w")));
    expect(commandsIn(md.stdout)).toEqual(expected);

    const skip = await rbx("skip", id, "migrate", "--reason", "applied by hand (INC-7)", ...(await at("w")));
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stderr).toContain(`\`rbx resume ${id} --state-dir w\` continues`);
    const resumed = await rbx("resume", id, ...(await at("w")));
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("a pre-check (a read before any boundary) and a false guard are not skipped around without --override-check", async () => {
    write(
      "pre.rb.yaml",
      `${head("pre")}onFailure: halt
phases:
  - id: precheck
    steps:
      - id: licence
        action: http.check
        with: { url: "http://127.0.0.1:${port}/licence", timeout: 5s }
  - id: upgrade
    rollback:
      - action: exec
        with: { program: "true" }
    steps:
      - id: change
        action: exec
        with: { program: "true" }
`,
    );
    const pre = await rbx("run", "pre.rb.yaml", ...(await at("p")));
    expect(pre.code, pre.stderr).toBe(3);
    const id = runIdOf(pre);
    // No boundary entered: nothing to unwind, and a pre-check is fixed, not marked done.
    expect(commandsIn(pre.stderr)).toEqual([`rbx resume ${id} --state-dir p`]);
    expect((await statusOf(id, "p")).choices.map((c) => c.verb)).toEqual(["resume"]);
    const refused = await rbx("skip", id, "licence", "--reason", "it is fine", ...(await at("p")));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("licence is a safety check");
    expect(refused.stderr).toContain("--override-check");
    const over = await rbx(
      "skip",
      id,
      "licence",
      "--reason",
      "licence checked in the portal: 200 days left",
      "--override-check",
      ...(await at("p")),
    );
    expect(over.code, over.stderr).toBe(0);
    expect(over.stderr).toContain("overriding a safety check");
    expect((await events("p", id)).at(-1)).toMatchObject({
      type: "step.skipped",
      step: "licence",
      by: "tester",
      overrode: "check",
    });
    const md = await rbx("report", id, ...(await at("p")));
    expect(md.stdout).toContain("overrode the safety check licence");
    expect((await rbx("resume", id, ...(await at("p")))).code).toBe(0);

    write(
      "guard.rb.yaml",
      `${head("guard")}params:
  ready: { type: bool, default: false }
phases:
  - id: upgrade
    rollback:
      - action: exec
        with: { program: "true" }
    steps:
      - id: first
        action: exec
        with: { program: "true" }
      - id: change
        action: exec
        guards: [{ that: params.ready, message: "the maintenance window is not open" }]
        with: { program: "true" }
`,
    );
    const guarded = await rbx("run", "guard.rb.yaml", ...(await at("g")));
    expect(guarded.code).toBe(3);
    const gid = runIdOf(guarded);
    const choices = (await statusOf(gid, "g")).choices;
    expect(choices.map((c) => c.verb)).toEqual(["resume", "rollback"]);
    expect(choices[0]?.explains).toContain("the guard is checked again before change runs");
    const no = await rbx("skip", gid, "change", "--reason", "window is open", ...(await at("g")));
    expect(no.code).toBe(2);
    expect(no.stderr).toContain("its guard does not hold (change: the maintenance window is not open)");
    const yes = await rbx(
      "skip",
      gid,
      "change",
      "--reason",
      "opened by CAB-12",
      "--override-check",
      ...(await at("g")),
    );
    expect(yes.code, yes.stderr).toBe(0);
    expect((await events("g", gid)).at(-1)).toMatchObject({ type: "step.skipped", overrode: "guard" });
  });
});

describe("a running run, a crashed one, and the locks of halted runs", () => {
  it("status of a running run shows who runs it and how to follow it; once killed, resume says it probes first", async () => {
    write(
      "crash.rb.yaml",
      `${head("crash")}phases:
  - id: upgrade
    rollback:
      - id: undo
        action: exec
        with: { program: "true" }
    steps:
      - id: helmUpgrade
        action: exec
        with: { program: sleep, args: ["30"] }
`,
    );
    let child: ChildProcess | undefined;
    const running = startRbx(["run", "crash.rb.yaml", "--state-dir", "c"], {
      cwd: dir,
      onStderr: (_text, c) => {
        child = c;
      },
    });
    const runs = join(dir, "c", "runs");
    const idNow = (): string | undefined =>
      existsSync(runs)
        ? readdirSync(runs)
            .find((n) => n.endsWith(".jsonl"))
            ?.slice(0, -6)
        : undefined;
    await until(() => {
      const id = idNow();
      return id !== undefined && journal("c", id).some((e) => e.type === "step.started");
    });
    const id = idNow() as string;
    const status = await rbx("status", id, "--state-dir", "c");
    expect(status.stdout).toContain("state:     running");
    expect(status.stdout).toMatch(/run by: {4}tester@\S+ \(pid \d+\) since /);
    expect(status.stdout).toContain(`    rbx status ${id} --state-dir c`);
    expect(status.stdout).toContain(`tail -f ${join(dir, "c", "runs", `${id}.jsonl`)}`);
    expect(status.stdout).not.toContain("recovery choices");
    expect((await statusJson(id, "c")).choices).toEqual([]);
    expect(await reportChoices(id, "c")).toEqual([]);
    const skip = await rbx("skip", id, "helmUpgrade", "--reason", "x", "--state-dir", "c");
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain("is running now");

    child?.kill("SIGKILL");
    await running;
    const crashed = await rbx("status", id, "--state-dir", "c");
    expect(crashed.stdout).toContain("state:     crashed");
    expect(crashed.stdout).toContain(
      "resume: continue the run; helmUpgrade was started but never recorded as finished, so resume first asks its probe",
    );
    expect(crashed.stdout).not.toMatch(/re-run helmUpgrade/);
    expect(crashed.stdout).toContain("held by a crashed run");
    expect(crashed.stdout).not.toContain("stale");
    const other = await rbx("run", "crash.rb.yaml", "--state-dir", "c");
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`locked by run ${id}, which crashed at helmUpgrade`);
    expect(other.stderr).toContain(`\`rbx status ${id} --state-dir c\``);
    expect(other.stderr).not.toContain("--force-unlock");

    // exec has no probe: nothing can tell, so the run halts with the two answers, each with its options.
    const resumed = await rbx("resume", id, "--state-dir", "c");
    expect(resumed.code).toBe(3);
    expect(commandsIn(resumed.stderr)).toEqual([
      `rbx resume ${id} --settle helmUpgrade=done --state-dir c`,
      `rbx resume ${id} --settle helmUpgrade=redo --state-dir c`,
      `rbx rollback ${id} --state-dir c`,
    ]);
    const settled = await rbx("resume", id, "--settle", "helmUpgrade=done", "--state-dir", "c");
    expect(settled.code, settled.stderr).toBe(0);
  }, 60_000);

  it("a halted run's lock is kept for the operator, never called stale; --force-unlock only when the holder is gone", async () => {
    write(
      "held.rb.yaml",
      `${head("held")}phases:
  - id: one
    steps:
      - id: gate
        action: approve
        with: { prompt: "Proceed?" }
      - id: change
        action: exec
        with: { program: "true" }
`,
    );
    const first = await rbx("run", "held.rb.yaml", "--state-dir", "h");
    expect(first.code).toBe(3);
    const id = runIdOf(first);
    const second = await rbx("run", "held.rb.yaml", "--state-dir", "h");
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `runbook held is held by halted run ${id}, halted at step gate by tester@`,
    );
    expect(second.stderr).toContain("(waiting-for-approval)");
    expect(second.stderr).toContain("it waits for the operator");
    expect(second.stderr).not.toMatch(/stale|--force-unlock/);
    const status = await statusJson(id, "h");
    expect(status.locks[0]?.state).toMatch(
      /^kept: held by halted run \S+, halted at step gate by tester@\S+ at \S+ \(waiting-for-approval\), waiting for the operator$/,
    );
    expect(status.locks[0]?.forceUnlock).toBe(false);

    // A lock whose run left no journal and whose process is gone: that holder really is gone.
    const dead = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    await new Promise((resolve) => dead.on("exit", resolve));
    mkdirSync(join(dir, "h", "locks"), { recursive: true });
    writeFileSync(
      join(dir, "h", "locks", "runbook-orphan.json"),
      `${JSON.stringify({ runId: "20250101-000000-dead", pid: dead.pid, host: hostname(), startedAt: "2025-01-01T00:00:00.000Z", key: "runbook-orphan", label: "runbook orphan" })}\n`,
    );
    write(
      "orphan.rb.yaml",
      `${head("orphan")}phases:\n  - id: one\n    steps:\n      - id: change\n        action: exec\n        with: { program: "true" }\n`,
    );
    const refused = await rbx("run", "orphan.rb.yaml", "--state-dir", "h");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("locked by run 20250101-000000-dead, which is gone");
    expect(refused.stderr).toContain("pass --force-unlock");
    const forced = await rbx("run", "orphan.rb.yaml", "--force-unlock", "--state-dir", "h");
    expect(forced.code, forced.stderr).toBe(0);
  });
});

describe.each(CLI_STORES)("one exit code per outcome, whichever verb reaches it (%s store)", (kind) => {
  let stores: CliStores;
  beforeAll(() => {
    stores = new CliStores(kind, dir);
  });
  afterAll(() => stores.dispose());
  const at = (state: string) => stores.args(state);
  const statusOf = async (runId: string, state: string): Promise<StatusJson> =>
    JSON.parse((await rbx("status", runId, "--json", ...(await at(state)))).stdout) as StatusJson;

  const slowUndo = () =>
    write(
      "slowundo.rb.yaml",
      `${head("slowundo")}phases:
  - id: upgrade
    rollback:
      - id: undo
        action: exec
        with: { program: sh, args: ["-c", "sleep 2"] }
    steps:
      - id: change
        action: exec
        with: { program: "true" }
  - id: verify
    steps:
      - id: check
        action: exec
        with: { program: "true" }
`,
    );
  /** A completed run whose operator-requested rollback is interrupted during its rollback step. */
  async function interruptedRollback(state: string): Promise<string> {
    const run = await rbx("run", slowUndo(), ...(await at(state)));
    expect(run.code).toBe(0);
    const id = runIdOf(run);
    let sent = false;
    const rb = await startRbx(["rollback", id, ...(await at(state))], {
      cwd: dir,
      onStderr: (text, c) => {
        if (!sent && text.includes("… rollback:upgrade/undo")) {
          sent = true;
          setTimeout(() => c.kill("SIGINT"), 300);
        }
      },
    });
    expect(rb.code).toBe(130);
    return id;
  }

  it("an operator's rollback exits 0 whether rbx rollback or rbx resume finishes it; status says resume continues it", async () => {
    const id = await interruptedRollback("o1");
    const status = await rbx("status", id, ...(await at("o1")));
    expect(status.stdout).toContain("phase:     rollback of upgrade (newest first)");
    expect(status.stdout).not.toContain("phase:     verify");
    expect(status.stdout).toContain("rollback:  of upgrade, requested by tester; not finished");
    const json = await statusOf(id, "o1");
    expect(json.choices.map((c) => c.verb)).toEqual(["resume"]);
    expect(json.choices[0]?.explains).toMatch(
      /^continue the rollback of upgrade; rollback:upgrade\/undo was started/,
    );
    expect(status.stdout).not.toMatch(/fix forward|re-run rollback/);
    // The in-doubt rollback step has no probe: answer it, and the rollback completes.
    const resumed = await rbx("resume", id, "--settle", "rollback:upgrade/undo=redo", ...(await at("o1")));
    expect(resumed.stderr).toContain(`run ${id} resumed by tester@`);
    expect(resumed.stderr).toContain(": continuing the rollback of upgrade");
    expect(resumed.stderr).toContain("rolled back at the operator's request");
    expect(resumed.code).toBe(0);

    const again = await interruptedRollback("o2");
    const rolled = await rbx(
      "rollback",
      again,
      "--settle",
      "rollback:upgrade/undo=redo",
      ...(await at("o2")),
    );
    expect(rolled.code).toBe(0);
  }, 60_000);

  it("a rollback a failure forced exits 1 whether rbx resume or rbx rollback finishes it", async () => {
    const flag = join(dir, `undo-works-${kind}`);
    write(
      "failundo.rb.yaml",
      `${head("failundo")}phases:
  - id: upgrade
    rollback:
      - id: undo
        action: exec
        with: { program: sh, args: ["-c", "test -f '${flag}' || { echo 'helm rollback: timed out' >&2; exit 4; }"] }
    steps:
      - id: change
        action: exec
        with: { program: sh, args: ["-c", "exit 3"] }
`,
    );
    const ids: string[] = [];
    for (const state of ["f1", "f2"]) {
      const run = await rbx("run", "failundo.rb.yaml", ...(await at(state)));
      expect(run.code).toBe(3);
      ids.push(runIdOf(run));
    }
    const status = await statusOf(ids[0] as string, "f1");
    expect(status.choices.map((c) => [c.verb, c.explains])).toEqual([
      ["resume", "fix the cause, then run rollback:upgrade/undo again and continue the rollback of upgrade"],
      [
        "skip",
        "mark rollback:upgrade/undo done without running it (you undid it by hand; your name and the reason are recorded), then resume to continue the rollback of upgrade",
      ],
    ]);
    writeFileSync(flag, "");
    const byResume = await rbx("resume", ids[0] as string, ...(await at("f1")));
    const byRollback = await rbx("rollback", ids[1] as string, ...(await at("f2")));
    expect([byResume.code, byRollback.code]).toEqual([1, 1]);
    expect(byRollback.stderr).toContain("failed and was rolled back");
  }, 60_000);
});

describe("a run whose journal holds no start event yet", () => {
  it("reads as not started, offers no resume that would be refused, and lists as not started", async () => {
    // The moment between `rbx run` making the journal and recording the run's start, or a process killed there.
    mkdirSync(join(dir, "ns", "runs"), { recursive: true });
    writeFileSync(join(dir, "ns", "runs", "r-empty.jsonl"), "");
    const status = await rbx("status", "r-empty", "--state-dir", "ns");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("state:     not started — its journal holds no start event");
    expect(status.stdout).not.toContain("crashed");
    expect(commandsIn(status.stdout)).toEqual([]);
    const json = JSON.parse(
      (await rbx("status", "r-empty", "--json", "--state-dir", "ns")).stdout,
    ) as StatusJson;
    expect(json.status).toBe("not started");
    expect(json.choices).toEqual([]);
    const runs = await rbx("runs", "--state-dir", "ns");
    expect(runs.stdout).toMatch(/^r-empty +not started /m);
    const resume = await rbx("resume", "r-empty", "--state-dir", "ns");
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain("has no start event");
  });
});
