// The pre-commit hook as docs/ci/README.md documents it, run by the real pre-commit against a sample repository:
// its `.pre-commit-config.yaml` is the documented one, pointed at a snapshot of this working tree (a git repository
// tagged with this version, standing in for the published one). pre-commit clones it, installs it with npm (the
// prepare script builds dist/), packs and installs it, and `git commit` runs `rbx lint` on the staged runbooks.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rbxPackage } from "../../src/package-root.js";

const repo = rbxPackage().root;
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  version: string;
  repository: { url: string };
};

let base = "";
let sample = "";
let env: Record<string, string> = {};

function sh(cmd: string, args: readonly string[], cwd: string, timeoutMs = 120_000) {
  const r = spawnSync(cmd, [...args], {
    cwd,
    env,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const git = (args: readonly string[], cwd = sample) => sh("git", args, cwd);

/** The fenced YAML blocks of a Markdown page. */
const yamlBlocks = (md: string) => [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The documented `.pre-commit-config.yaml`: the block of docs/ci/README.md that holds `repos:`. */
function documentedConfig(): string {
  const block = yamlBlocks(readFileSync(join(repo, "docs", "ci", "README.md"), "utf8")).find((b) =>
    b.startsWith("repos:"),
  );
  if (!block) throw new Error("docs/ci/README.md shows no .pre-commit-config.yaml");
  return block;
}

/** A git repository holding this working tree as committed files (tracked and new ones, as git sees them), tagged. */
function snapshot(dir: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repo,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repo, file), join(dir, file));
  }
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["commit", "-q", "-m", "snapshot"],
    ["tag", `v${pkg.version}`],
  ]) {
    const r = git(args, dir);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.out}`);
  }
}

const kryton = () => readFileSync(join(repo, "runbooks", "kryton.rb.yaml"), "utf8");

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "rbx-pre-commit-"));
  // pre-commit's node environment runs the Node it finds on PATH as `nodejs`, else `node`: this test's Node.
  const nodeBin = join(base, "node-bin");
  mkdirSync(nodeBin);
  symlinkSync(process.execPath, join(nodeBin, "node"));
  symlinkSync(process.execPath, join(nodeBin, "nodejs"));
  const inherited: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("npm_")) inherited[k] = v;
  env = {
    ...inherited,
    PATH: [nodeBin, process.env.PATH ?? ""].join(delimiter),
    PRE_COMMIT_HOME: join(base, "pre-commit-home"),
    GIT_AUTHOR_NAME: "rbx test",
    GIT_AUTHOR_EMAIL: "rbx-test@example.invalid",
    GIT_COMMITTER_NAME: "rbx test",
    GIT_COMMITTER_EMAIL: "rbx-test@example.invalid",
    GIT_CONFIG_GLOBAL: "/dev/null",
    NO_COLOR: "1",
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
  };
  const version = sh("pre-commit", ["--version"], base);
  if (version.code !== 0)
    throw new Error(`pre-commit is not installed (scripts/system-deps.sh installs it): ${version.out}`);

  const published = join(base, "rbx");
  snapshot(published);
  sample = join(base, "runbooks-repo");
  mkdirSync(sample);
  expect(git(["init", "-q"]).code).toBe(0);
  const config = documentedConfig();
  const documentedRepo = `https://github.com/${/github\.com\/([^/]+\/[^/.]+)/.exec(pkg.repository.url)![1]}`;
  expect(config).toContain(`repo: ${documentedRepo}\n`);
  expect(config).toContain(`rev: v${pkg.version}\n`);
  writeFileSync(join(sample, ".pre-commit-config.yaml"), config.replace(documentedRepo, published));
  // pre-commit builds the hook's environment here (clone, npm install, prepare, pack, install): minutes, once.
  const install = sh("pre-commit", ["install", "--install-hooks"], sample, 900_000);
  if (install.code !== 0) throw new Error(`pre-commit install failed:\n${install.out}`);
}, 960_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("the rbx-lint pre-commit hook", () => {
  it("was built from a clone without dist/: the prepare script built it", () => {
    expect(existsSync(join(base, "rbx", "dist"))).toBe(false);
    const home = join(base, "pre-commit-home");
    const installed = readdirSync(home)
      .filter((d) => d.startsWith("repo"))
      .flatMap((d) =>
        readdirSync(join(home, d))
          .filter((e) => e.startsWith("node_env-"))
          .map((e) => join(home, d, e, "lib", "node_modules", "rbx-runbooks")),
      );
    expect(installed.length).toBe(1);
    for (const f of ["dist/bundle/main.js", "dist/lab/cli.js", "schema/runbook.schema.json"])
      expect(existsSync(join(installed[0]!, f)), f).toBe(true);
  });

  it("was built from a clone without dist/: the prepare script built it", () => {
    expect(existsSync(join(base, "rbx", "dist"))).toBe(false);
    const home = join(base, "pre-commit-home");
    const installed = readdirSync(home)
      .filter((d) => d.startsWith("repo"))
      .flatMap((d) =>
        readdirSync(join(home, d))
          .filter((e) => e.startsWith("node_env-"))
          .map((e) => join(home, d, e, "lib", "node_modules", "rbx-runbooks")),
      );
    expect(installed.length).toBe(1);
    for (const f of ["dist/bundle/main.js", "dist/lab/cli.js", "schema/runbook.schema.json"])
      expect(existsSync(join(installed[0]!, f)), f).toBe(true);
  });

  it("lets a clean runbook through, and ignores files that are not runbooks", () => {
    mkdirSync(join(sample, "runbooks"), { recursive: true });
    writeFileSync(join(sample, "runbooks", "kryton.rb.yaml"), kryton());
    writeFileSync(join(sample, "notes.yaml"), "this: [is not: a runbook\n");
    git(["add", "-A"]);
    const commit = git(["commit", "-m", "kryton runbook"]);
    expect(commit.code, commit.out).toBe(0);
    expect(commit.out).toMatch(/rbx lint\.+Passed/);
  });

  it("blocks a commit whose runbook has an error, showing where", () => {
    const head = git(["rev-parse", "HEAD"]).out.trim();
    const leaked = kryton().replace(
      /^connections:$/m,
      'connections:\n  leaked: { kind: postgres, url: "postgres://app:hunter2@db.example/app" }',
    );
    writeFileSync(join(sample, "runbooks", "kryton.rb.yaml"), leaked);
    git(["add", "-A"]);
    const commit = git(["commit", "-m", "leak a password"]);
    expect(commit.code).toBe(1);
    expect(commit.out).toMatch(/rbx lint\.+Failed/);
    expect(commit.out).toMatch(/runbooks\/kryton\.rb\.yaml:\d+:\d+: error: .*\[secret-literal\]/);
    // The message names the kind of secret; only the source line quoted under it shows the author's own text.
    expect(commit.out).toContain("this looks like a password inside a URL");
    expect(git(["rev-parse", "HEAD"]).out.trim()).toBe(head);
    git(["checkout", "--", "."]);
    git(["reset", "-q", "--hard"]);
  });

  it("blocks warnings too, through the documented --max-warnings 0", () => {
    const unused = kryton().replace(/^params:$/m, "params:\n  neverRead: { type: string, default: x }");
    expect(unused).toContain("neverRead");
    writeFileSync(join(sample, "runbooks", "kryton.rb.yaml"), unused);
    git(["add", "-A"]);
    const commit = git(["commit", "-m", "an unused param"]);
    expect(commit.code).toBe(1);
    expect(commit.out).toMatch(/warning: .*neverRead.*\[unused-param\]/);
    expect(commit.out).toMatch(/too many warnings|max-warnings/i);
  });
});
