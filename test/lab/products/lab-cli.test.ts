// `rbx lab up|status|env|down` for real: a detached supervisor, a state file, stale detection, cleanup by PID;
// the faults `rbx lab api|postgres` inject, as status reports them, and `rbx lab kubeconfig --bad-token`.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { labDown } from "../../../lab/control.js";
import { processAlive, readState } from "../../../lab/state-file.js";
import type { CliIO } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-lab-cli-"));

afterAll(async () => {
  await labDown(dir); // also when a test failed half-way
  rmSync(dir, { recursive: true, force: true });
});

async function rbx(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const io: CliIO = { stdout, stderr, env: process.env, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, out, err };
}

async function until(test: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return test();
}

describe("rbx lab", () => {
  it("rejects unknown subcommands, options and products with usage errors", async () => {
    expect((await rbx("lab", "sideways")).code).toBe(2);
    expect((await rbx("lab", "up", "--helm", "5")).err).toContain("--helm must be 3 or 4");
    expect((await rbx("lab", "up", "--dir", dir, "--products", "kryton,nope")).err).toContain(
      "unknown product(s) nope",
    );
    expect((await rbx("lab", "status", "--dir", dir)).code).toBe(1);
  });

  it("brings the lab up detached, reports it, prints env lines, and tears every process down", async () => {
    const up = await rbx("lab", "up", "--dir", dir, "--products", "kryton");
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain(`export KUBECONFIG='${dir}/kubeconfig'`);
    const url = /export KRYTON_URL='([^']+)'/.exec(up.out)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const version = await (await fetch(`${url}/api/version`)).json();
    expect(version).toMatchObject({ version: "4.6.4" });

    const state = readState(dir)!;
    expect(processAlive(state.supervisorPid)).toBe(true);
    const status = await rbx("lab", "status", "--dir", dir);
    expect(status.code).toBe(0);
    expect(status.out).toContain("kryton/kryton installed at 4.6.4; charts: 4.6.4, 4.6.5, 4.7.0");
    expect((await rbx("lab", "env", "--dir", dir)).out).toContain(`export KRYTON_URL='${url}'`);
    // status --json masks the database password unless asked; env exports it for a shell.
    const password = new URL(state.postgres.url).password;
    const json = await rbx("lab", "status", "--dir", dir, "--json");
    expect(json.code).toBe(0);
    expect(json.out).not.toContain(password);
    expect(JSON.parse(json.out).state.postgres.url).toBe(state.postgres.url.replace(password, "***"));
    expect((await rbx("lab", "status", "--dir", dir, "--json", "--show-secrets")).out).toContain(password);
    const again = await rbx("lab", "up", "--dir", dir, "--products", "kryton");
    expect(again.err).toContain("already running");

    // Faults to rehearse, and status saying which are injected.
    const apiLine = async () =>
      (await rbx("lab", "status", "--dir", dir)).out.split("\n").find((l) => l.includes("kubernetes API"));
    expect((await rbx("lab", "api", "hang", "--dir", dir)).err).toContain(
      "API hung (accepts, never answers)",
    );
    expect(await apiLine()).toMatch(/\(NOT reachable, hung by `rbx lab api hang`\)$/);
    expect((await rbx("lab", "api", "stop", "--dir", dir)).code).toBe(0);
    expect(await apiLine()).toMatch(/\(NOT reachable, stopped by `rbx lab api stop`\)$/);
    expect((await rbx("lab", "api", "start", "--dir", dir)).code).toBe(0);
    expect(await apiLine()).toMatch(/\(reachable\)$/);
    const pgStop = await rbx("lab", "postgres", "stop", "--dir", dir);
    expect(pgStop.err).toContain("PostgreSQL stopped (data kept)");
    expect((await rbx("lab", "status", "--dir", dir)).out).toContain("— stopped by `rbx lab postgres stop`");
    const pgStart = await rbx("lab", "postgres", "start", "--dir", dir);
    expect(pgStart.err).toMatch(/PostgreSQL running \(pid \d+\)/);
    const restartedPg = Number(/PostgreSQL running \(pid (\d+)\)/.exec(pgStart.err)?.[1]);
    expect((await rbx("lab", "status", "--dir", dir)).out).not.toContain("stopped by");
    const good = (await rbx("lab", "kubeconfig", "--dir", dir)).out.trim();
    expect(good).toBe(`${dir}/kubeconfig`);
    const bad = (await rbx("lab", "kubeconfig", "--bad-token", "--dir", dir)).out.trim();
    expect(bad).not.toBe(good);
    const tokenOf = (path: string) => /token: (\S+)/.exec(readFileSync(path, "utf8"))?.[1];
    expect(tokenOf(bad)).toBeDefined();
    expect(tokenOf(bad)).not.toBe(tokenOf(good));

    const down = await rbx("lab", "down", "--dir", dir);
    expect(down.code).toBe(0);
    const pids = [state.supervisorPid, state.postgres.pid, restartedPg, ...Object.values(state.pods)];
    expect(await until(() => pids.every((p) => !processAlive(p)), 10_000)).toBe(true);
    expect(readState(dir)).toBeUndefined();
  });

  it("detects a stale state after the supervisor is killed, and down cleans up what it left", async () => {
    const up = await rbx("lab", "up", "--dir", dir, "--products", "kryton");
    expect(up.code, up.err).toBe(0);
    const state = readState(dir)!;
    process.kill(state.supervisorPid, "SIGKILL");
    expect(await until(() => !processAlive(state.supervisorPid), 5000)).toBe(true);
    // Pod processes follow their supervisor (IPC disconnect); PostgreSQL is left for `down`.
    expect(await until(() => Object.values(state.pods).every((p) => !processAlive(p)), 10_000)).toBe(true);
    const status = await rbx("lab", "status", "--dir", dir);
    expect(status.code).toBe(1);
    expect(status.out).toContain("Stale lab state");
    expect((await rbx("lab", "env", "--dir", dir)).code).toBe(1);
    expect((await rbx("lab", "down", "--dir", dir)).code).toBe(0);
    expect(await until(() => !processAlive(state.postgres.pid), 10_000)).toBe(true);
  });
});
