// Runs the built CLI (`node bin/rbx.js`) as a child process, the way a user runs it.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "..", "..");

/**
 * Make sure dist/ exists. `npm test` builds before vitest starts; rebuilding here while other test files run
 * the CLI would rewrite dist/ under them, so this only builds when a bare `npx vitest` finds no build at all.
 */
export function buildOnce(): void {
  if (existsSync(join(repoRoot, "dist", "src", "cli", "main.js"))) return;
  const r = spawnSync("npm", ["run", "build"], { cwd: repoRoot, encoding: "utf8", timeout: 180_000 });
  for (const f of [
    "dist/src/cli/main.js",
    "dist/src/cli/commands/validate.js",
    "dist/src/cli/commands/schema.js",
  ]) {
    if (!existsSync(join(repoRoot, f)))
      throw new Error(`build did not produce ${f}:\n${r.stdout}${r.stderr}`);
  }
}

export interface RbxResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node argv…` in `cwd`, with NO_COLOR cleared so only the pipe decides colour; never rejects. */
export function runNode(argv: string[], cwd: string = repoRoot): Promise<RbxResult> {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd, env, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `node [nodeArgs] bin/rbx.js args…` in `cwd`. */
export function rbx(args: string[], options: { cwd?: string; nodeArgs?: string[] } = {}): Promise<RbxResult> {
  return runNode([...(options.nodeArgs ?? []), join(repoRoot, "bin", "rbx.js"), ...args], options.cwd);
}
