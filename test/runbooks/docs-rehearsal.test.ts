// A new operator rehearses each product from its page alone: every block under "Rehearse it in the lab" of
// docs/runbooks/<product>.md runs as written, with bash, in a fresh directory that has only the checkout's
// runbooks/ and lab/ and an `rbx` on PATH — no help from the test (no stand-ins, no env of its own).
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RBX, REPO, rbx } from "./support/rbx.js";

const pages = ["scrydon", "kryton", "alexandria"];

/** The fenced sh blocks of a page's "Rehearse it in the lab" section. */
function labBlocks(page: string): string[] {
  const text = readFileSync(join(REPO, "docs", "runbooks", `${page}.md`), "utf8");
  const start = text.indexOf("## Rehearse it in the lab");
  const end = text.indexOf("\n## ", start + 3);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Run `script` with bash in a directory like a fresh checkout's root; `rbx lab down` whatever happens. */
async function follow(script: string): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), "rbx-docs-"));
  dirs.push(dir);
  for (const d of ["runbooks", "lab"]) symlinkSync(join(REPO, d), join(dir, d));
  const bin = join(dir, ".bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "rbx"), `#!/bin/sh\nexec '${process.execPath}' '${RBX}' "$@"\n`);
  chmodSync(join(bin, "rbx"), 0o755);
  const env = {
    PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: join(dir, "home"),
    NO_COLOR: "1",
    RBX_USER: "docs-rehearsal",
  };
  try {
    return await new Promise((done, fail) => {
      const child = spawn("bash", ["-euo", "pipefail", "-c", script], {
        cwd: dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
      });
      child.stderr.on("data", (b: Buffer) => {
        out += b.toString();
      });
      const timer = setTimeout(() => child.pid && process.kill(child.pid, "SIGKILL"), 540_000);
      child.once("error", fail);
      child.once("close", (code) => {
        clearTimeout(timer);
        done({ code, out });
      });
    });
  } finally {
    // The block ends with `rbx lab down`; after a failure half-way it may not have run.
    await rbx(["lab", "down", "--dir", join(dir, ".rbx", "lab")], { env, cwd: dir, timeoutMs: 120_000 });
  }
}

describe("docs/runbooks pages, followed as written", () => {
  for (const page of pages) {
    const blocks = labBlocks(page);
    it(`${page}: the page has lab blocks`, () => {
      expect(blocks.length).toBeGreaterThan(0);
    });
    for (const [i, block] of blocks.entries()) {
      it(`${page}: block ${i + 1} completes (${block.split("\n")[0]})`, async () => {
        const r = await follow(block);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toMatch(/state: {5}completed/);
        expect(r.out).toMatch(/The lab is stopped\./);
      }, 600_000);
    }
  }
});
