// No output reveals a secret, through the built CLI: short secrets refused, short values masked only as
// whole words (never `registry.e***ample`), and `rbx lab status --json` without the database password.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startRbx } from "./cli.js";

let dir: string;
let server: Server;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-secrets-"));
  // A registry stand-in that rejects the key and echoes it back, as real services do in error bodies.
  server = createServer((req, res) => {
    res.writeHead(401, { "content-type": "text/plain" });
    res.end(`registry.example rejected key ${req.headers["x-api-key"]} for ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  killAll();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("the secret rule through the CLI", () => {
  it("refuses a secret shorter than 8 characters in run and plan, naming the param and never the value", async () => {
    writeFileSync(
      join(dir, "short.rb.yaml"),
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: short, version: 1.0.0 }
params:
  apiKey: { type: secret, from: env.API_KEY }
phases:
  - id: one
    steps:
      - id: call
        action: exec
        with: { program: "true", env: { KEY: "\${{ params.apiKey }}" } }
`,
    );
    for (const args of [
      ["run", "short.rb.yaml", "--state-dir", "s"],
      ["plan", "short.rb.yaml"],
    ]) {
      const verb = args[0];
      const r = await startRbx(args, {
        cwd: dir,
        env: { API_KEY: "§" },
      });
      expect(r.code, verb).toBe(2);
      expect(r.stderr).toContain(
        'error: param "apiKey" is a secret shorter than 8 characters; rbx refuses it',
      );
      expect(r.stdout + r.stderr).not.toContain("§");
      expect(r.stderr).not.toMatch(/ at \S+\.(js|ts):\d+/);
    }
    expect(() => readdirSync(join(dir, "s", "runs"))).toThrow();
    const ok = await startRbx(["run", "short.rb.yaml", "--state-dir", "s"], {
      cwd: dir,
      env: { API_KEY: "§-long-enough" },
    });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("masks a one-character value an action registers only where it stands alone, never inside registry.example", async () => {
    writeFileSync(
      join(dir, "key.rb.yaml"),
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: key, version: 1.0.0 }
phases:
  - id: one
    steps:
      - id: pull
        action: http.check
        with:
          url: "http://127.0.0.1:${port}/registry.example/x"
          headers: { X-Api-Key: "x" }
`,
    );
    const r = await startRbx(["run", "key.rb.yaml", "--state-dir", "k"], { cwd: dir });
    expect(r.code).toBe(1);
    const journalDir = join(dir, "k", "runs");
    const journal = readFileSync(
      join(journalDir, readdirSync(journalDir).find((n) => n.endsWith(".jsonl")) as string),
      "utf8",
    );
    // The step's own args are journaled with the key masked too: it is a credential header.
    expect(journal).toContain('"headers":{"X-Api-Key":"***"}');
    const report = await startRbx(["report", "last", "--format", "json", "--state-dir", "k"], { cwd: dir });
    for (const text of [r.stderr, journal, report.stdout]) {
      expect(text).toContain("registry.example rejected key *** for /registry.example/***");
      // The old masking gave the key away: every `x` masked, registry.e***ample.
      expect(text).not.toContain("e***ample");
      expect(text).not.toMatch(/key x\b|\/registry\.example\/x\b/);
    }
  });
});

describe("rbx lab status --json", () => {
  it("masks the lab's database password unless --show-secrets", async () => {
    const lab = join(dir, "lab");
    mkdirSync(lab);
    const password = "5f0c2a91d3e4b7a6c8d9e0f1";
    const url = (db: string) => `postgres://postgres:${password}@127.0.0.1:5999/${db}`;
    // The state a lab leaves when its supervisor is gone (status reads it all the same).
    writeFileSync(
      join(lab, "state.json"),
      JSON.stringify({
        version: 1,
        dir: lab,
        startedAt: "2025-05-01T10:00:00.000Z",
        supervisorPid: 999_999_999,
        logFile: join(lab, "lab.log"),
        apiUrl: "http://127.0.0.1:1",
        kubeconfig: join(lab, "kubeconfig"),
        binDir: join(lab, "bin"),
        helmHome: { cache: lab, config: lab, data: lab },
        postgres: { pid: 999_999_998, port: 5999, dataDir: join(lab, "pg"), url: url("postgres") },
        databases: { kryton: url("kryton") },
        releases: [],
        services: {},
        pods: {},
      }),
      { mode: 0o600 },
    );
    const masked = await startRbx(["lab", "status", "--dir", lab, "--json"], { cwd: dir });
    expect(masked.code).toBe(1);
    expect(masked.stdout).not.toContain(password);
    const state = (
      JSON.parse(masked.stdout) as { state: { postgres: { url: string }; databases: Record<string, string> } }
    ).state;
    expect(state.postgres.url).toBe("postgres://postgres:***@127.0.0.1:5999/postgres");
    expect(state.databases.kryton).toBe("postgres://postgres:***@127.0.0.1:5999/kryton");
    const shown = await startRbx(["lab", "status", "--dir", lab, "--json", "--show-secrets"], { cwd: dir });
    expect(shown.stdout).toContain(url("kryton"));
  });
});
