// The lab's stand-ins on its PATH, as the runbooks call them: docker compose over the Kryton Compose project,
// cosign against the lab's key, crane against the lab's registry; and `rbx lab up` refusing kryton twice.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killLiveRbx, rbx } from "../../runbooks/support/rbx.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "rbx-lab-stand-ins-"));
const basePath = dirname(process.execPath);
let env: Record<string, string> = {};

/** `export NAME='value'` lines into an environment; the PATH line prepends the lab's bin. */
function parse(text: string): Record<string, string> {
  const out: Record<string, string> = { PATH: basePath, HOME: join(dir, "home") };
  for (const m of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'(:"\$PATH")?$/gm))
    out[m[1] ?? ""] = m[3] ? `${m[2]}:${basePath}` : (m[2] ?? "").replaceAll(`'\\''`, "'");
  return out;
}

async function sh(program: string, args: string[], extra: Record<string, string> = {}) {
  try {
    const r = await run(program, args, { env: { ...env, ...extra }, timeout: 60_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: e.stdout ?? "", err: e.stderr ?? "" };
  }
}

beforeAll(async () => {
  const up = await rbx(["lab", "up", "--dir", join(dir, "lab"), "--products", "kryton-compose"], {
    env: { PATH: basePath, HOME: join(dir, "home") },
    timeoutMs: 240_000,
  });
  if (up.code !== 0) throw new Error(`rbx lab up failed: ${up.stderr}`);
  env = parse(up.stdout);
}, 300_000);

afterAll(async () => {
  await rbx(["lab", "down", "--dir", join(dir, "lab")], { env, timeoutMs: 120_000 });
  killLiveRbx();
  rmSync(dir, { recursive: true, force: true });
});

describe("the lab's stand-ins", () => {
  it("refuses kryton and kryton-compose in one lab (they export the same variables)", async () => {
    const r = await rbx(["lab", "up", "--dir", join(dir, "other"), "--products", "kryton,kryton-compose"], {
      env: { PATH: basePath, HOME: join(dir, "home") },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kryton and kryton-compose are the same product deployed two ways/);
  });

  it("docker compose: config --images from .env, pull refuses an unpublished tag, up -d recreates on a new pin", async () => {
    const file = env.KRYTON_COMPOSE_FILE ?? "";
    const compose = (...args: string[]) => sh("docker", ["compose", "--file", file, ...args]);
    expect((await compose("config", "--images", "kryton")).out).toBe("registry.example/kryton:v4.6.4\n");
    // The shell wins over .env, as with the real Compose.
    const shell = await sh("docker", ["compose", "--file", file, "config", "--images"], {
      KRYTON_TAG: "4.6.5",
    });
    expect(shell.out).toBe("registry.example/kryton:4.6.5\n");
    const refused = await sh("docker", ["compose", "--file", file, "pull", "kryton"], {
      KRYTON_TAG: "4.6.5",
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/manifest for registry\.example\/kryton:4\.6\.5 not found/);
    const before = await (await fetch(`${env.KRYTON_URL}/api/version`)).json();
    expect(before).toMatchObject({ version: "4.6.4" });
    const envFile = env.KRYTON_COMPOSE_ENV_FILE ?? "";
    writeFileSync(envFile, readFileSync(envFile, "utf8").replace("KRYTON_TAG=v4.6.4", "KRYTON_TAG=v4.6.5"));
    expect((await compose("pull", "kryton")).code).toBe(0);
    const up = await compose("up", "-d", "kryton");
    expect(up.err).toMatch(/Container kryton-kryton-1 {2}Recreated/);
    const deadline = Date.now() + 60_000;
    let version = "";
    while (Date.now() < deadline && version !== "4.6.5") {
      version = await fetch(`${env.KRYTON_URL}/api/version`)
        .then((r) => r.json() as Promise<{ version: string }>)
        .then(
          (b) => b.version,
          () => "",
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(version).toBe("4.6.5");
    const ps = await compose("ps", "--format", "json");
    expect(JSON.parse(ps.out)).toMatchObject({
      Service: "kryton",
      Image: "registry.example/kryton:v4.6.5",
      State: "running",
    });
    expect((await compose("restart")).code).toBe(2);
  });

  it("cosign verifies lab artefacts with the lab's key only; crane resolves published tags only", async () => {
    const key = join(dir, "lab", "keys", "cosign.pub");
    expect((await sh("cosign", ["verify", "--key", key, "registry.example/scrydon/cortex:2.5.0"])).code).toBe(
      0,
    );
    const unsigned = await sh("cosign", ["verify", "--key", key, "registry.example/scrydon/cortex:2.5.9"]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.err).toMatch(/no matching signatures/);
    const other = join(dir, "other.pub");
    writeFileSync(other, "-----BEGIN PUBLIC KEY-----\nsomeone else\n-----END PUBLIC KEY-----\n");
    expect(
      (await sh("cosign", ["verify", "--key", other, "registry.example/scrydon/cortex:2.5.0"])).code,
    ).toBe(1);
    expect((await sh("crane", ["digest", "registry.example/kryton:v4.6.5"])).out).toMatch(
      /^sha256:[0-9a-f]{64}\n$/,
    );
    const missing = await sh("crane", ["digest", "registry.example/kryton:4.6.5"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/MANIFEST_UNKNOWN/);
  });
});
