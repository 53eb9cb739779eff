// The exec and approve built-ins on their own: argv without a shell, exit codes, timeout, abort, approvals.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approve } from "../../src/builtins/approve.js";
import { exec } from "../../src/builtins/exec.js";
import type { ActionContext } from "../../src/contract/action.js";
import type { ApprovalRequest } from "../../src/contract/approval.js";
import { TaintRedactor } from "../../src/run/bind/taint-redactor.js";
import { ApprovalBroker } from "../../src/run/interpreter/approvals.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-exec-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ctx(over: Partial<ActionContext> = {}): ActionContext {
  return {
    signal: new AbortController().signal,
    log: { info: () => {}, warn: () => {}, progress: () => {} },
    redactor: new TaintRedactor(),
    connections: new Map(),
    runId: "r",
    stepId: "s",
    workDir: dir,
    env: { PATH: process.env.PATH },
    ...over,
  };
}

const node = process.execPath;

describe("exec", () => {
  it("passes each argument as one word (no shell), with env, cwd and stdin", async () => {
    const out = await exec.run(ctx(), {
      program: node,
      args: [
        "-e",
        "process.stdin.on('data', d => console.log(process.argv[1], process.env.X, process.cwd(), String(d)))",
        "$HOME; rm -rf /",
      ],
      env: { X: "from-env" },
      cwd: dir,
      input: "piped",
    });
    expect(out).toEqual({
      exitCode: 0,
      ok: true,
      stderr: "",
      stdout: `$HOME; rm -rf / from-env ${dir} piped\n`,
    });
  });

  it("fails on a non-zero exit unless allowExitCodes lists it", async () => {
    const args = { program: node, args: ["-e", "console.error('bad thing'); process.exit(4)"] };
    await expect(exec.run(ctx(), args)).rejects.toThrow(
      /exited with code 4: bad thing; list it in allowExitCodes/,
    );
    await expect(exec.run(ctx(), { ...args, allowExitCodes: [4] })).resolves.toMatchObject({
      exitCode: 4,
      ok: false,
    });
  });

  it("times out and is interrupted through its signal, killing the program", async () => {
    const slow = { program: node, args: ["-e", "setTimeout(() => {}, 20000)"] };
    await expect(exec.run(ctx(), { ...slow, timeout: "200ms" })).rejects.toThrow(
      /did not finish within 0.2 s/,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(exec.run(ctx({ signal: controller.signal }), slow)).rejects.toMatchObject({
      code: "interrupted",
    });
  });

  it("reports a missing program and masks secrets in its errors and plan", async () => {
    const redactor = new TaintRedactor();
    redactor.addSecret("hunter2");
    await expect(exec.run(ctx({ redactor }), { program: "no-such-program-hunter2" })).rejects.toThrow(
      "cannot run no-such-program-***: spawn no-such-program-*** ENOENT; check the program name and PATH",
    );
    expect(
      exec.plan(
        { program: "psql", args: ["-c", "select 1", "password=hunter2"], env: { PGPASSWORD: "hunter2" } },
        { connections: new Map(), redactor },
      ),
    ).toEqual([{ kind: "command", text: "PGPASSWORD=*** psql -c 'select 1' password=***" }]);
  });
});

describe("approve", () => {
  const approvals = (over: Partial<ConstructorParameters<typeof ApprovalBroker>[0]> = {}) =>
    new ApprovalBroker({
      approve: new Set(),
      approveAll: false,
      actor: { user: "dana", host: "host-a" },
      ...over,
    });
  const ask = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
    step: "s",
    prompt: "ok?",
    signal: new AbortController().signal,
    ...over,
  });

  it("reports who approved, when and how: the approval the interpreter recorded before the step ran", async () => {
    const at = new Date().toISOString();
    const out = await approve.run(ctx({ approval: { by: "dana", via: "flag", at } }), { prompt: "ok?" });
    expect(out).toEqual({ approvedBy: "dana", approvedAt: at, via: "flag", value: "", approvers: ["dana"] });
    const valued = await approve.run(
      ctx({ approval: { by: "dana", via: "flag", at, value: "cortex:0001_fk" } }),
      {
        prompt: "which?",
        input: { pattern: "^[a-z]+:[0-9]{4}_[a-z_]+$" },
      },
    );
    expect(valued.value).toBe("cortex:0001_fk");
    await expect(approve.run(ctx(), { prompt: "ok?" })).rejects.toMatchObject({ kind: "approval-pending" });
    expect(approve.approvalRequest?.({ prompt: "ok?", timeout: "2s" })).toEqual({
      prompt: "ok?",
      timeoutMs: 2000,
    });
  });

  it("is approved by a flag, pending without a flag or terminal, and a declined prompt is a denial", async () => {
    expect(await approvals({ approve: new Set(["s"]) }).request(ask())).toMatchObject({
      approved: true,
      by: "dana",
      via: "flag",
    });
    expect(await approvals().request(ask())).toEqual({ approved: false, reason: "pending" });
    expect(await approvals({ ask: async () => "n" }).request(ask())).toEqual({
      approved: false,
      reason: "denied",
      by: "dana",
    });
  });

  it("stays pending when the interactive prompt times out", async () => {
    let timeout: number | undefined;
    const prompt = async (_q: string, _s: AbortSignal, t?: number) => {
      timeout = t;
      return undefined;
    };
    expect(await approvals({ ask: prompt }).request(ask({ timeoutMs: 2000 }))).toMatchObject({
      approved: false,
      reason: "pending",
    });
    expect(timeout).toBe(2000);
  });

  it("an approval that asks for a value takes it from --approve STEP=VALUE, checked against the pattern", async () => {
    const input = { pattern: "(none|cortex):[0-9]{4}_[a-z_]+|none", description: "the migration to skip" };
    const withValue = approvals({ approve: new Set(["s=cortex:0001_models_fk"]) });
    expect(await withValue.request(ask({ input }))).toMatchObject({
      approved: true,
      via: "flag",
      value: "cortex:0001_models_fk",
    });
    // A value that does not match is refused, not approved: the run waits for a right one.
    const wrong = await approvals({ approve: new Set(["s=auth:drop everything"]) }).request(ask({ input }));
    expect(wrong).toMatchObject({ approved: false, reason: "pending" });
    expect(wrong.approved === false && wrong.message).toMatch(
      /--approve s=auth:drop everything was refused: the value must match/,
    );
    // --approve-all (or --approve s) takes the default, and waits when there is none.
    const noValue = await approvals({ approveAll: true }).request(ask({ input }));
    expect(noValue.approved === false && noValue.message).toMatch(
      /s needs a value \(the migration to skip, matching .*\): give it with --approve s=VALUE/,
    );
    expect(
      await approvals({ approve: new Set(["s"]) }).request(ask({ input: { ...input, default: "none" } })),
    ).toMatchObject({
      approved: true,
      value: "none",
    });
    // At a terminal the answer is the value; nothing declines.
    expect(await approvals({ ask: async () => "cortex:0002_x" }).request(ask({ input }))).toMatchObject({
      approved: true,
      via: "tty",
      value: "cortex:0002_x",
    });
    expect(await approvals({ ask: async () => "" }).request(ask({ input }))).toMatchObject({
      approved: false,
      reason: "denied",
    });
    expect(approve.approvalRequest?.({ prompt: "which?", input })).toEqual({ prompt: "which?", input });
  });
});
