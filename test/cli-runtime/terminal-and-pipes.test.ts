// Every rbx command as people run it: on a real pseudo-terminal (script(1)) and piped, with closed pipes,
// FORCE_COLOR/NO_COLOR, signals at any moment — never a stack trace, the same exit code either way.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../src/cli/command-table.js";
import { readJournalFile } from "../../src/run/store/journal-file.js";
import { killAll, RBX, startRbx } from "./cli.js";

const run = promisify(execFile);
const STACK = /^\s+at .+:\d+|ERR_[A-Z_]+|node:internal|Maximum call stack/m;
const ESC = "\u001b[";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-tty-pipe-"));
  const head =
    "apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: NAME, version: 1.0.0 }\nphases:\n  - id: a\n    steps:\n";
  writeFileSync(
    join(dir, "ok.rb.yaml"),
    `${head.replace("NAME", "ok")}      - id: b\n        action: exec\n        with: { program: "true" }\n`,
  );
  writeFileSync(
    join(dir, "bad.rb.yaml"),
    `${head.replace("NAME", "bad")}      - id: b\n        action: exec\n        with: { program: "true" }\n        retyr: { attempts: 2 }\n`,
  );
  const steps = Array.from(
    { length: 5 },
    (_, i) =>
      `      - id: s${i}\n        action: exec\n        with: { program: echo, args: ["${"x".repeat(2000)}"] }\n`,
  ).join("");
  writeFileSync(join(dir, "many.rb.yaml"), `${head.replace("NAME", "many")}${steps}`);
  writeFileSync(
    join(dir, "sleepy.rb.yaml"),
    `${head.replace("NAME", "sleepy")}      - id: nap\n        action: exec\n        with: { program: sleep, args: ["30"] }\n`,
  );
});
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Each command once, as a user types it, and its exit code; `S` is the state directory of the mode. */
const cases: { name: string; args: string[]; code: number; colours?: boolean }[] = [
  { name: "validate", args: ["validate", "bad.rb.yaml"], code: 1, colours: true },
  { name: "schema", args: ["schema"], code: 0 },
  { name: "plan", args: ["plan", "ok.rb.yaml"], code: 0 },
  { name: "run", args: ["run", "ok.rb.yaml", "--state-dir", "S"], code: 0 },
  { name: "runs", args: ["runs", "--state-dir", "S"], code: 0 },
  { name: "status", args: ["status", "--state-dir", "S"], code: 0 },
  { name: "report", args: ["report", "last", "--state-dir", "S"], code: 0 },
  { name: "resume", args: ["resume", "last", "--state-dir", "S"], code: 2 },
  { name: "skip", args: ["skip", "last", "b", "--reason", "done by hand", "--state-dir", "S"], code: 2 },
  { name: "approve", args: ["approve", "last", "b", "--state-dir", "S"], code: 2 },
  { name: "store", args: ["store", "status"], code: 2 },
  // A fleet lives in a PostgreSQL store: without one, every fleet verb is refused.
  { name: "fleet", args: ["fleet", "list"], code: 2 },
  // Without a PostgreSQL store a submitted run could not be followed: refused before the cluster is asked.
  { name: "submit", args: ["submit", "ok.rb.yaml", "--namespace", "apps"], code: 2 },
  { name: "rollback", args: ["rollback", "last", "--state-dir", "S"], code: 0 },
  { name: "lint", args: ["lint", "--no-config", "bad.rb.yaml"], code: 1, colours: true },
  { name: "eval", args: ["eval", "1 +"], code: 1, colours: true },
  { name: "graph", args: ["graph", "ok.rb.yaml"], code: 0 },
  { name: "lab", args: ["lab", "status", "--dir", "lab-none"], code: 1 },
  // The language server talks LSP on stdin: an editor starts it; a person only ever mistypes its option.
  { name: "lsp", args: ["lsp", "--stdoi"], code: 2 },
];

const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  RBX_USER: "tester",
  TERM: "xterm-256color",
  ...extra,
});
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** rbx on a pseudo-terminal (stdin, stdout and stderr all the terminal); its exit code and what it showed. */
async function onTerminal(args: string[], extra: Record<string, string> = {}) {
  const command = [process.execPath, RBX, ...args].map(quote).join(" ");
  try {
    const r = await run("script", ["-qec", command, "/dev/null"], {
      cwd: dir,
      env: env(extra),
      timeout: 60_000,
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

/** rbx with stdout and stderr piped, stdin closed. */
async function piped(args: string[], extra: Record<string, string> = {}) {
  const r = await startRbx(args, { cwd: dir, env: env(extra) });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe("every command on a real terminal and piped", () => {
  it("covers every command of the table", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(commands.map((c) => c.name).sort());
  });

  for (const c of cases) {
    it(`rbx ${c.name}: the same exit code on a terminal and through pipes, never a stack trace`, async () => {
      const tty = await onTerminal(c.args.map((a) => (a === "S" ? "state-tty" : a)));
      const pipe = await piped(c.args.map((a) => (a === "S" ? "state-pipe" : a)));
      expect(tty.out).not.toMatch(STACK);
      expect(pipe.stdout + pipe.stderr).not.toMatch(STACK);
      expect({ tty: tty.code, pipe: pipe.code }).toEqual({ tty: c.code, pipe: c.code });
      expect(pipe.stdout).not.toContain(ESC);
      if (c.colours) expect(tty.out).toContain(ESC);
    });
  }

  it("colours piped output under FORCE_COLOR, and never under NO_COLOR, even on a terminal", async () => {
    expect((await piped(["validate", "bad.rb.yaml"], { FORCE_COLOR: "1" })).stdout).toContain(ESC);
    expect((await piped(["validate", "bad.rb.yaml"], { FORCE_COLOR: "0" })).stdout).not.toContain(ESC);
    const plain = await onTerminal(["validate", "bad.rb.yaml"], { NO_COLOR: "1", FORCE_COLOR: "1" });
    expect(plain.out).not.toContain(ESC);
    expect(plain.out).toContain('Unknown field "retyr" in a step. Did you mean "retry"?');
  });
});

/** Start rbx with stdout piped and close the reading end after the first line; how it ended. */
function closeAfterFirstLine(
  args: string[],
): Promise<{ code: number | null; first: string; stderr: string }> {
  const child: ChildProcess = spawn(process.execPath, [RBX, ...args], {
    cwd: dir,
    env: env(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let first = "";
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdout?.on("data", (b: Buffer) => {
    if (first.includes("\n")) return;
    first += b.toString();
    if (first.includes("\n")) child.stdout?.destroy();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, first: first.split("\n")[0] as string, stderr });
    }),
  );
}

describe("a closed stdout", () => {
  it("rbx schema | head -1 is quiet and exits 0", async () => {
    const r = await closeAfterFirstLine(["schema"]);
    expect(r).toEqual({ code: 0, first: "{", stderr: "" });
    const sh = await run("bash", [
      "-c",
      `"$0" "$1" schema | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`,
      process.execPath,
      RBX,
    ]);
    expect(sh.stdout).toBe("{\n");
    expect(sh.stderr).toBe("rc=0\n");
  });

  it("rbx run --json | head -1 finishes the run, says nothing of the pipe, and exits with the run's code", async () => {
    const r = await closeAfterFirstLine(["run", "many.rb.yaml", "--json", "--state-dir", "state-json"]);
    expect(JSON.parse(r.first)).toMatchObject({ seq: 1, type: "run.started" });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.code).toBe(0);
    const runs = join(dir, "state-json", "runs");
    const journal = readJournalFile(
      join(runs, readdirSync(runs).find((n) => n.endsWith(".jsonl")) as string),
    );
    expect(journal.problems).toEqual([]);
    expect(journal.events.at(-1)?.type).toBe("run.completed");
  });
});

describe("signals and input that never ends", () => {
  it("refuses /dev/zero, a FIFO and a huge params file at once instead of reading without bound", async () => {
    await run("mkfifo", [join(dir, "fifo.rb.yaml")]);
    for (const args of [
      ["run", "/dev/zero", "--state-dir", "state-zero"],
      ["run", "fifo.rb.yaml", "--state-dir", "state-zero"],
      ["validate", "fifo.rb.yaml"],
      ["plan", "ok.rb.yaml", "--params-file", "/dev/zero"],
      ["eval", "--vars", "/dev/zero", "1"],
    ]) {
      const started = Date.now();
      const r = await piped(args);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.stdout + r.stderr).not.toMatch(STACK);
      expect(r.stdout + r.stderr).toMatch(/not a regular file|not a file or directory/);
      expect([1, 2]).toContain(r.code);
    }
  });

  it("ends on SIGTERM at whatever moment it arrives, and never leaves a journal that does not verify", async () => {
    for (const delay of [0, 30, 80, 150, 300, 600, 1200]) {
      const state = `state-term-${delay}`;
      const child = spawn(process.execPath, [RBX, "run", "sleepy.rb.yaml", "--state-dir", state], {
        cwd: dir,
        env: env(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => {
        stderr += b.toString();
      });
      const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on("close", (code, signal) => resolve({ code, signal })),
      );
      await new Promise((r) => setTimeout(r, delay));
      const sentAt = Date.now();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const how = await ended;
      clearTimeout(timer);
      expect(Date.now() - sentAt, `delay ${delay}: ${stderr}`).toBeLessThan(8_000);
      expect(how.signal === "SIGTERM" || how.code === 130, `delay ${delay}: ${JSON.stringify(how)}`).toBe(
        true,
      );
      expect(stderr).not.toMatch(STACK);
      const runs = join(dir, state, "runs");
      const journals = existsSync(runs) ? readdirSync(runs).filter((n) => n.endsWith(".jsonl")) : [];
      for (const name of journals) {
        expect(readJournalFile(join(runs, name)).problems).toEqual([]);
      }
    }
  });
});
