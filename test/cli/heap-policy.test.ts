// Each command's memory policy as main() sets it: commands that hold a run keep V8's young generation small, a
// command that reads its files in one go and ends (validate) lets it grow at once, and the others leave V8 be.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import v8 from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

const repoRoot = join(import.meta.dirname, "..", "..");

function io(): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = "";
  stdout.on("data", (b: Buffer) => {
    text += b.toString();
  });
  stderr.on("data", (b: Buffer) => {
    text += b.toString();
  });
  return { stdout, stderr, env: {}, cwd: repoRoot, out: () => text };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the heap policy main() sets for a command", () => {
  it("validate: the young generation grows to V8's ceiling at once", async () => {
    const flags = vi.spyOn(v8, "setFlagsFromString").mockImplementation(() => {});
    const cli = io();
    const code = await main(["validate", join(repoRoot, "runbooks")], cli);
    expect(code, cli.out()).toBe(0);
    expect(flags.mock.calls.map((c) => c[0])).toEqual(["--semi-space-growth-factor=8"]);
  });

  it("status (holds a run): the young generation stays small, memory-saver heuristics, compilers off", async () => {
    const flags = vi.spyOn(v8, "setFlagsFromString").mockImplementation(() => {});
    const dir = mkdtempSync(join(tmpdir(), "rbx-heap-"));
    try {
      await main(["status", "--state-dir", dir], io());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const set = flags.mock.calls.map((c) => c[0]);
    expect(set[0]).toBe("--semi-space-growth-factor=1");
    expect(set).toContain("--no-turbofan");
    expect(set).not.toContain("--semi-space-growth-factor=8");
  });

  it("schema and --help: none", async () => {
    const flags = vi.spyOn(v8, "setFlagsFromString").mockImplementation(() => {});
    expect(await main(["schema"], io())).toBe(0);
    expect(await main(["--help"], io())).toBe(0);
    expect(flags).not.toHaveBeenCalled();
  });
});
