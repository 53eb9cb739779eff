// Which entry bin/rbx.js starts: the bundle when it is at least as new as the tsc output, the tsc output when the
// bundle is missing or older (tsc ran again alone), and neither for --version. Run on a copy of the real shim in a
// package of its own whose two entries say which one ran.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./run-rbx.js";

let dir = "";

const entryModule = (name: string) =>
  `export async function main(args) { process.stdout.write(${JSON.stringify(name)} + " " + args.join(" ") + "\\n"); return 4; }\n`;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, "bin", "rbx.js"), ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Set a file's modification time to `seconds` after the epoch. */
const touch = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rbx-bin-entry-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "dist", "bundle"), { recursive: true });
  mkdirSync(join(dir, "dist", "src", "cli"), { recursive: true });
  copyFileSync(join(repoRoot, "bin", "rbx.js"), join(dir, "bin", "rbx.js"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "rbx-runbooks", version: "7.8.9", type: "module" }),
  );
  writeFileSync(join(dir, "dist", "bundle", "main.js"), entryModule("bundle"));
  writeFileSync(join(dir, "dist", "src", "cli", "main.js"), entryModule("tsc"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("bin/rbx.js", () => {
  it("runs the bundle when it is newer than the tsc output, or as new (an npm install sets one date)", () => {
    touch(join(dir, "dist", "src", "cli", "main.js"), 1_000_000);
    touch(join(dir, "dist", "bundle", "main.js"), 1_000_100);
    expect(run(["validate", "x.rb.yaml"])).toEqual({
      code: 4,
      stdout: "bundle validate x.rb.yaml\n",
      stderr: "",
    });
    touch(join(dir, "dist", "bundle", "main.js"), 1_000_000);
    expect(run(["plan"]).stdout).toBe("bundle plan\n");
  });

  it("runs the tsc output when the bundle is older (tsc ran again without the bundle step)", () => {
    touch(join(dir, "dist", "bundle", "main.js"), 1_000_000);
    touch(join(dir, "dist", "src", "cli", "main.js"), 1_000_100);
    expect(run(["validate"])).toEqual({ code: 4, stdout: "tsc validate\n", stderr: "" });
  });

  it("runs the tsc output when there is no bundle", () => {
    rmSync(join(dir, "dist", "bundle"), { recursive: true, force: true });
    expect(run(["lint"]).stdout).toBe("tsc lint\n");
  });

  it("answers --version and -V from package.json without loading an entry", () => {
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    expect(run(["--version"])).toEqual({ code: 0, stdout: "7.8.9\n", stderr: "" });
    expect(run(["-V"])).toEqual({ code: 0, stdout: "7.8.9\n", stderr: "" });
  });
});
