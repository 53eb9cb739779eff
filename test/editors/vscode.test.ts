// The VS Code extension under editors/vscode: compiled with the project's TypeScript, bundled with its language
// client, its manifest's activation, command and settings agree with the code and the server, and it packages
// with @vscode/vsce (offline, without node_modules of its own).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOptions } from "../../src/lsp/options.js";
import { PLAN_COMMAND } from "../../src/lsp/plan-command.js";
import { root } from "../lsp/client.js";

const nodeRequire = createRequire(import.meta.url);
const ext = join(root, "editors", "vscode");
const manifest = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
const source = readFileSync(join(ext, "src", "extension.ts"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "rbx-vscode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for the `vscode` module, enough to load the bundle: every name it reads is a constructible stub
 * (classes extend vscode.CompletionItem and friends at load time); calls are never made, activate is not run.
 */
function vscodeStub(code: string): object {
  const stub: object = new Proxy(function Stub() {}, {
    get: (target, p) => (p === "prototype" ? target.prototype : stub),
  });
  const names = [...new Set([...code.matchAll(/\.([A-Za-z_]\w*)/g)].map((m) => m[1] as string))];
  return new Proxy(
    {},
    {
      get: (_t, p) => (p === "__esModule" ? false : stub),
      ownKeys: () => names,
      getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: stub }),
    },
  );
}

function run(command: string, args: string[], cwd = root) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000 });
  expect(r.status, `${command} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  // npm run build:vscode, step by step.
  run(join(root, "node_modules", ".bin", "tsc"), ["-p", "editors/vscode"]);
  run(process.execPath, [join(root, "scripts", "bundle-vscode.js")]);
});

describe("the VS Code extension", () => {
  it("builds into one CommonJS file that needs only the editor's `vscode` module", () => {
    const main = join(ext, manifest.main);
    expect(existsSync(main)).toBe(true);
    const code = readFileSync(main, "utf8");
    const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string));
    expect([...required].filter((m) => m !== "vscode" && !isBuiltin(m))).toEqual([]);
    expect(required.has("vscode")).toBe(true);
    // Loaded as VS Code loads it (CommonJS, `vscode` given by the host): it exports activate and deactivate.
    const host = vscodeStub(code);
    const mod = { exports: {} as Record<string, unknown> };
    const load = new Function("require", "module", "exports", code);
    load((id: string) => (id === "vscode" ? host : nodeRequire(id)), mod, mod.exports);
    expect(typeof mod.exports.activate).toBe("function");
    expect(typeof mod.exports.deactivate).toBe("function");
  });

  it("activates for runbooks and contributes the plan command and its settings", () => {
    expect(manifest.activationEvents).toEqual(
      expect.arrayContaining(["workspaceContains:**/*.rb.yaml", "onLanguage:yaml"]),
    );
    expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toEqual([
      "rbx.showPlan",
    ]);
    expect(source).toContain('registerCommand("rbx.showPlan"');
    expect(source).toContain(`command: "${PLAN_COMMAND}"`);
    expect(source).toContain('args: ["lsp", "--stdio"]');
    // Every setting the code reads is contributed, and every contributed one is read.
    const read = [...source.matchAll(/\.get<[^(]*>\("([^"]+)"/g)].map((m) => m[1] as string).sort();
    const contributed = Object.keys(manifest.contributes.configuration.properties)
      .map((k: string) => k.split(".").pop() as string)
      .sort();
    expect(read).toEqual(contributed);
  });

  it("passes initializationOptions the server reads", () => {
    const o = readOptions({ diagnosticsDelayMs: 7, docsBaseUrl: "https://example.test/docs" });
    expect(o.diagnosticsDelayMs).toBe(7);
    expect(o.docsBaseUrl).toBe("https://example.test/docs/");
    for (const key of ["diagnosticsDelayMs", "docsBaseUrl"]) expect(source).toContain(key);
  });

  it("targets a VS Code its typings and language client support", () => {
    const types = JSON.parse(
      readFileSync(join(root, "node_modules", "@types", "vscode", "package.json"), "utf8"),
    );
    const client = JSON.parse(
      readFileSync(join(root, "node_modules", "vscode-languageclient", "package.json"), "utf8"),
    );
    expect(manifest.engines.vscode).toBe(`^${types.version}`);
    expect(client.engines.vscode).toBe(manifest.engines.vscode);
  });

  it("packages with vsce: the bundle, the manifest and the README, nothing else", () => {
    const vsce = join(root, "node_modules", ".bin", "vsce");
    const files = run(vsce, ["ls", "--no-dependencies"], ext).trim().split("\n").sort();
    expect(files).toEqual(["README.md", "dist/extension.js", "package.json"]);
    const vsix = join(dir, "rbx-runbooks.vsix");
    run(
      vsce,
      ["package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "-o", vsix],
      ext,
    );
    expect(readFileSync(vsix).subarray(0, 2).toString()).toBe("PK");
  });
});
