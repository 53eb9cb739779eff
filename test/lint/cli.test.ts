import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const root = process.cwd();
const fixtures = "test/lint/fixtures";
const tmp = mkdtempSync(join(tmpdir(), "rbx-lint-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function rbx(args: string[], opts: { env?: Record<string, string>; tty?: boolean; cwd?: string } = {}) {
  const stdout = new Capture(opts.tty ?? false);
  const stderr = new Capture(false);
  const code = await main(["lint", ...args], { stdout, stderr, env: opts.env ?? {}, cwd: opts.cwd ?? root });
  return { code, out: stdout.text, err: stderr.text };
}

const good = `${fixtures}/ok/kryton-upgrade.rb.yaml`;
const bad = `${fixtures}/err/kryton-defects.rb.yaml`;

describe("rbx lint", () => {
  for (const name of readdirSync(`${fixtures}/err`).filter((f) => f.endsWith(".rb.yaml"))) {
    it(`golden: ${name}`, async () => {
      const r = await rbx(["--no-config", `${fixtures}/err/${name}`]);
      expect(r.out).toBe(readFileSync(`${fixtures}/err/${name.replace(/\.rb\.yaml$/, ".out")}`, "utf8"));
      expect(r.code).toBe(1);
    });
  }

  it("exits 0 on a clean runbook and says so", async () => {
    const r = await rbx([good]);
    expect(r).toMatchObject({ code: 0, out: "no problems in 1 file\n", err: "" });
  });

  it("warnings alone exit 0 unless --max-warnings is exceeded", async () => {
    const file = join(tmp, "warn.rb.yaml");
    writeFileSync(
      file,
      readFileSync(good, "utf8").replace(
        "      - id: snapshot\n",
        "      - id: snapshot\n        retry: { attempts: 2 }\n",
      ),
    );
    const plain = await rbx(["--no-config", file]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain("[retry-without-timeout]");
    expect((await rbx(["--no-config", "--max-warnings", "1", file])).code).toBe(0);
    const strict = await rbx(["--no-config", "--max-warnings=0", file]);
    expect(strict.code).toBe(1);
    expect(strict.err).toContain("exceed --max-warnings 0");
  });

  it("--quiet keeps errors only", async () => {
    const r = await rbx(["--no-config", "--quiet", "--format", "json", bad]);
    const parsed = JSON.parse(r.out) as { summary: { errors: number; warnings: number } };
    expect(parsed.summary.warnings).toBe(0);
    expect(parsed.summary.errors).toBe(6);
    expect(r.code).toBe(1);
  });

  it("usage errors exit 2", async () => {
    expect((await rbx([])).code).toBe(2);
    expect((await rbx(["--format", "xml", good])).err).toContain(
      "--format needs one of stylish, json, sarif, github",
    );
    expect((await rbx(["--frobnicate", good])).code).toBe(2);
    const missing = await rbx(["no/such/dir"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no runbook found at "no/such/dir"');
    expect((await rbx(["--max-warnings", "many", good])).code).toBe(2);
    expect((await rbx(["--config", "nope.yaml", good])).code).toBe(2);
  });

  it("lints directories and globs, each file once", async () => {
    const dir = await rbx(["--format", "json", `${fixtures}/ok`, `${fixtures}/*/kryton-*.rb.yaml`]);
    const files = (JSON.parse(dir.out) as { files: { file: string }[] }).files.map((f) => f.file);
    expect(files).toEqual([good, bad]);
    expect((await rbx(["--format", "json", `${fixtures}/none-*.rb.yaml`])).code).toBe(2);
  });

  it("chooses the github format inside GitHub Actions", async () => {
    const r = await rbx([bad], { env: { GITHUB_ACTIONS: "true" } });
    expect(r.out.split("\n")[0]).toMatch(
      /^::warning file=test\/lint\/fixtures\/err\/kryton-defects\.rb\.yaml,line=12,col=3,/,
    );
  });

  it("colours stylish output only on a TTY without NO_COLOR", async () => {
    expect((await rbx([bad], { tty: true })).out).toContain("\u001b[");
    expect((await rbx([bad], { tty: true, env: { NO_COLOR: "1" } })).out).not.toContain("\u001b[");
    expect((await rbx([bad], { tty: false })).out).not.toContain("\u001b[");
  });

  it("writes the report to --output", async () => {
    const out = join(tmp, "lint.sarif");
    const r = await rbx(["--format", "sarif", "--output", out, bad]);
    expect(r.out).toBe("");
    expect((JSON.parse(readFileSync(out, "utf8")) as { version: string }).version).toBe("2.1.0");
  });

  it("finds .rbx.yaml upward from the file and reports a broken one as a usage error", async () => {
    const project = mkdtempSync(join(tmp, "proj-"));
    const sub = join(project, "runbooks");
    const file = join(sub, "k.rb.yaml");
    await import("node:fs/promises").then((fs) => fs.mkdir(sub, { recursive: true }));
    writeFileSync(file, readFileSync(bad, "utf8"));
    writeFileSync(
      join(project, ".rbx.yaml"),
      "lint:\n  rules:\n    unused-param: error\n    secret-literal: off\n",
    );
    const r = await rbx(["--format", "json", "runbooks"], { cwd: project });
    const ds = (JSON.parse(r.out) as { files: { diagnostics: { code: string; severity: string }[] }[] })
      .files[0]!.diagnostics;
    expect(ds.find((d) => d.code === "unused-param")?.severity).toBe("error");
    expect(ds.some((d) => d.code === "secret-literal")).toBe(false);
    writeFileSync(join(project, ".rbx.yaml"), "lint:\n  rules:\n    no-such-rule: error\n");
    const broken = await rbx(["runbooks"], { cwd: project });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain(".rbx.yaml:3:5: error: unknown rule `no-such-rule`");
  });

  it("--list-rules prints every rule", async () => {
    const r = await rbx(["--list-rules"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^write-without-rollback-posture\s+warning\s+/m);
    expect(r.out).toMatch(/^unused-suppression\s+warning\s+/m);
  });
});
