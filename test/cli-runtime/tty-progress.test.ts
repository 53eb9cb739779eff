// The live view on a real terminal: rbx runs in a tmux pane; the test reads the screen while it works.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../../lab/postgres.js";
import { testPostgres } from "../support/postgres.js";
import { TmuxPane } from "./tmux.js";

let dir: string;
let server: PostgresServer;
const panes: TmuxPane[] = [];

// Fails the first time (and leaves a marker), succeeds the second: a step that needs its retry.
const FLAKY =
  'const fs = require("fs"); if (fs.existsSync(process.argv[1])) process.exit(0); fs.writeFileSync(process.argv[1], ""); process.exit(1)';

beforeAll(async () => {
  server = await testPostgres();
  dir = mkdtempSync(join(tmpdir(), "rbx-tty-"));
  writeFileSync(
    join(dir, "live.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: live, version: 1.0.0 }
params:
  dbUrl: { type: secret, from: env.TEST_DB_URL }
  marker: { type: string }
connections:
  db: { kind: postgres, url: "\${{ params.dbUrl }}" }
phases:
  - id: work
    steps:
      - id: slow
        action: sql.exec
        with: { statements: ["select pg_sleep(2)", "select 1"] }
      - id: flaky
        action: exec
        with: { program: ${JSON.stringify(process.execPath)}, args: [-e, ${JSON.stringify(FLAKY)}, "\${{ params.marker }}"] }
        retry: { attempts: 3, every: 2s }
`,
  );
  writeFileSync(
    join(dir, "gate.rb.yaml"),
    `apiVersion: rbx/v1
kind: Runbook
metadata: { name: gate, version: 1.0.0 }
phases:
  - id: work
    steps:
      - id: gate
        action: approve
        with: { prompt: "Is the maintenance window open?" }
      - id: after
        action: exec
        with: { program: "true" }
`,
  );
});
afterAll(async () => {
  for (const p of panes) await p.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SPIN = "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]";
const ELAPSED = String.raw`\d+(?:ms|\.\ds)`;

async function start(name: string, env: Record<string, string>): Promise<TmuxPane> {
  const db = await server.createDatabase();
  const args = ["run", join(dir, "live.rb.yaml"), "--param", `marker=${join(dir, `${name}.marker`)}`];
  const pane = await TmuxPane.start(dir, name, [...args, "--state-dir", join(dir, name)], {
    TEST_DB_URL: server.url(db),
    ...env,
  });
  panes.push(pane);
  return pane;
}

describe("rbx run on a terminal", () => {
  it("draws a live line per running step with spinner, elapsed time, attempts and what it waits for", async () => {
    const pane = await start("colour", {});
    const waiting = new RegExp(
      `^${SPIN} slow {2}sql\\.exec \\(write\\) {2}${ELAPSED} {2}waiting for: statement 1/2$`,
      "m",
    );
    await pane.waitFor((s) => waiting.test(s));
    const retrying = new RegExp(
      `^${SPIN} flaky {2}exec \\(write\\) {2}${ELAPSED} {2}attempt 1/3 {2}next attempt in ${ELAPSED}$`,
      "m",
    );
    await pane.waitFor((s) => retrying.test(s));
    expect(await pane.exitCode()).toBe(0);
    const screen = await pane.screen();
    expect(screen).toMatch(new RegExp(`^✓ slow ${ELAPSED}$`, "m"));
    expect(screen).toMatch(/^! flaky attempt 1 failed: .*; retrying in 2\.0s$/m);
    expect(screen).toMatch(new RegExp(`^✓ flaky ${ELAPSED} after 2 attempts$`, "m"));
    expect(screen).toMatch(/^✓ run \S+ completed$/m);
    // The live region is gone once the run ends: no spinner is left on the screen.
    expect(screen).not.toMatch(new RegExp(SPIN));
    expect(screen).not.toContain(server.password);
    // Green ticks: colour is on for a terminal.
    expect(await pane.screen(true)).toContain("\u001b[32m✓");
  });

  it("uses no colour under NO_COLOR, and leaves a tidy screen with the way out after Ctrl-C", async () => {
    const pane = await start("plain", { NO_COLOR: "1" });
    await pane.waitFor((s) => s.includes("waiting for: statement 1/2"));
    await pane.keys("C-c");
    expect(await pane.exitCode()).toBe(130);
    const screen = await pane.screen();
    expect(screen).toMatch(/^■ run (\S+) interrupted by SIGINT during slow$/m);
    expect(screen).toMatch(/^ {6}rbx resume \S+ --state-dir \S+$/m);
    // The recovery commands are printed once, by the live view.
    expect(screen.match(/rbx resume/g)).toHaveLength(1);
    expect(screen).not.toMatch(new RegExp(SPIN));
    expect(await pane.screen(true)).not.toContain("\u001b[");
  });

  it("stops redrawing while it asks for an approval, so the question stays on the screen", async () => {
    const pane = await TmuxPane.start(
      dir,
      "gate",
      ["run", join(dir, "gate.rb.yaml"), "--state-dir", join(dir, "gate")],
      {
        NO_COLOR: "1",
      },
    );
    panes.push(pane);
    const question = 'Approve step "gate"? [y/N]';
    await pane.waitFor((s) => s.includes(question));
    // The spinner redraws every 100 ms; over a second of polls the question must never be erased.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(await pane.screen()).toContain(question);
    }
    await pane.keys("y", "Enter");
    expect(await pane.exitCode()).toBe(0);
    const screen = await pane.screen();
    expect(screen).toContain("Is the maintenance window open?");
    expect(screen).toContain(`${question} y`);
    expect(screen).toMatch(new RegExp(`^✓ gate ${ELAPSED}$`, "m"));
    expect(screen).toMatch(/^✓ run \S+ completed$/m);
  });
});
