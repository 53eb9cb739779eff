import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOnce, repoRoot } from "./run-rbx.js";

// The machines ship an end-of-life Node at /usr/bin/node; rbx must refuse it with advice, not crash later.
const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find((p) => existsSync(p)) ?? process.execPath;

describe("rbx on an unsupported Node", () => {
  it("says which Node it needs and how to get it, or runs when the Node is supported", () => {
    buildOnce();
    const version = execFileSync(systemNode, ["--version"], { encoding: "utf8" }).trim();
    const major = Number(version.slice(1).split(".")[0]);
    const r = spawnSync(systemNode, [join(repoRoot, "bin", "rbx.js"), "--version"], { encoding: "utf8" });
    if (major < 22) {
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`rbx needs Node.js 22 or 24; this is ${version}.`);
      expect(r.stderr).toContain("npm ci");
      expect(r.stdout).toBe("");
    } else {
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
