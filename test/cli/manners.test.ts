// CLI manners through the built CLI: did-you-mean for commands, lab subcommands and options, one form for
// usage mistakes in every command, "no such run" alike in every verb, a --state-dir that is a file refused.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { FAULTS } from "../../lab/fault-control.js";
import { commands } from "../../src/cli/command-table.js";
import { labFaults } from "../../src/cli/commands/lab.js";
import { main } from "../../src/cli/main.js";
import { rbx } from "./run-rbx.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-manners-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STACK = /^\s+at .+:\d+|ERR_[A-Z_]+/m;

describe("did you mean", () => {
  it("suggests the command a typo was meant to be, by edit distance", async () => {
    for (const [typo, meant] of [
      ["lnt", "lint"],
      ["vlaidate", "validate"],
      ["sattus", "status"],
      ["rollbak", "rollback"],
      ["shcema", "schema"],
    ]) {
      const r = await rbx([typo as string]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `rbx: unknown command "${typo}". Did you mean "${meant}"? Run \`rbx --help\` for the list.\n`,
      );
    }
    expect((await rbx(["zzzzzz"])).stderr).toBe(
      'rbx: unknown command "zzzzzz". Run `rbx --help` for the list.\n',
    );
  });

  it("suggests lab subcommands and options before any lab process starts", async () => {
    const sub = await rbx(["lab", "sattus"]);
    expect(sub).toMatchObject({ code: 2, stdout: "" });
    expect(sub.stderr).toBe(
      'rbx lab: unknown lab command "sattus". Did you mean "status"?\nRun `rbx lab --help` for its usage.\n',
    );
    const opt = await rbx(["lab", "status", "--drr", "x"]);
    expect(opt.stderr).toContain('rbx lab: unknown option "--drr". Did you mean "--dir"?');
    const fault = await rbx(["lab", "api", "stpo"]);
    expect(fault).toMatchObject({ code: 2, stdout: "" });
    expect(fault.stderr).toBe(
      'rbx lab: unknown api fault "stpo". Did you mean "stop"?\nRun `rbx lab --help` for its usage.\n',
    );
    expect((await rbx(["lab", "postgres"])).stderr).toBe(
      "rbx lab: give what to do to the postgres: stop, start\nRun `rbx lab --help` for its usage.\n",
    );
  });

  it("knows the same lab faults as the lab itself", () => {
    expect(labFaults).toEqual(FAULTS);
  });
});

describe("one form for a usage mistake in every command", () => {
  for (const { name } of commands) {
    it(`rbx ${name}: an unknown option is said the same way, with the nearest one, exit 2`, async () => {
      const r = await rbx([name, "--frobnicate"], { cwd: dir });
      expect(r.stderr).not.toMatch(STACK);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `rbx ${name}: unknown option "--frobnicate".\nRun \`rbx ${name} --help\` for its usage.\n`,
      );
    });
  }

  it("suggests the option meant, and says a missing value as such", async () => {
    const near = await rbx(["status", "--stat-dir", "x"], { cwd: dir });
    expect(near.stderr).toBe(
      'rbx status: unknown option "--stat-dir". Did you mean "--state-dir"?\nRun `rbx status --help` for its usage.\n',
    );
    const value = await rbx(["run", "x.rb.yaml", "--state-dir", "--json"], { cwd: dir });
    expect(value.stderr).toBe(
      "rbx run: --state-dir needs a value, as in --state-dir VALUE\nRun `rbx run --help` for its usage.\n",
    );
    const neg = await rbx(["eval", "-1 + 2"], { cwd: dir });
    expect(neg).toMatchObject({ code: 0, stdout: "1 (int)\n" });
  });
});

describe("every option a usage text lists is one its command reads", () => {
  /** Streams that keep what was written, for main() in this process. */
  const capture = () => {
    let text = "";
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    return { stream, text: () => text };
  };

  for (const entry of commands) {
    it(`rbx ${entry.name}`, async () => {
      const { usage } = await entry.load();
      const listed = [
        ...new Set([...usage.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] as string)),
      ];
      for (const option of listed) {
        const err = capture();
        // A trailing word nobody expects keeps every command from doing real work (`rbx lsp` would serve stdin).
        const argv = [entry.name, option, "zzz-extra"];
        await main(argv, { stdout: capture().stream, stderr: err.stream, env: {}, cwd: dir });
        expect(err.text(), `${entry.name} ${option}`).not.toContain(`unknown option "${option}"`);
      }
    });
  }
});

describe("no such run, and a state directory that is a file", () => {
  const verbs: string[][] = [
    ["status", "nope"],
    ["report", "nope"],
    ["resume", "nope"],
    ["rollback", "nope"],
    ["skip", "nope", "step", "--reason", "why"],
    ["approve", "nope", "step"],
  ];

  it("every verb says 'no such run' in the same words and exits 2", async () => {
    const empty = join(dir, "empty-state");
    for (const args of verbs) {
      const r = await rbx([...args, "--state-dir", empty], { cwd: dir });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(
        `rbx ${args[0]}: no run "nope" under ${empty}: it holds no runs; give --state-dir if they are kept elsewhere\n`,
      );
    }
  });

  it("refuses a --state-dir that is a file before any verb reads or writes under it", async () => {
    const file = join(dir, "state-file");
    writeFileSync(file, "not a directory\n");
    writeFileSync(
      join(dir, "ok.rb.yaml"),
      'apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: ok, version: 1.0.0 }\nphases:\n  - id: a\n    steps:\n      - id: b\n        action: exec\n        with: { program: "true" }\n',
    );
    for (const args of [...verbs, ["runs"], ["run", "ok.rb.yaml"]]) {
      const r = await rbx([...args, "--state-dir", file], { cwd: dir });
      expect(r.stderr, args[0]).not.toMatch(STACK);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(
        `rbx ${args[0]}: --state-dir ${file} is not a directory; give a directory for journals and locks (it is created when missing)\n`,
      );
    }
  });
});
