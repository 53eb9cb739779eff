// The Helix set-up of docs/editors.md: editors/helix/languages.toml parses, claims exactly the runbook files, and
// its language-server entry — command, args and config (Helix's initializationOptions) — starts a working server.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, matchesGlob } from "node:path";
import { parse } from "smol-toml";
import { afterAll, describe, expect, it } from "vitest";
import { LspClient, root, runbook } from "../lsp/client.js";

interface HelixConfig {
  "language-server": Record<string, { command: string; args: string[]; config?: object }>;
  language: {
    name: string;
    grammar: string;
    "file-types": { glob: string }[];
    "language-servers": string[];
  }[];
}

const text = readFileSync(join(root, "editors", "helix", "languages.toml"), "utf8");
const config = parse(text) as unknown as HelixConfig;
const dir = mkdtempSync(join(tmpdir(), "rbx-helix-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Helix languages.toml", () => {
  it("is what docs/editors.md shows", () => {
    expect(readFileSync(join(root, "docs", "editors.md"), "utf8")).toContain(text.trim());
  });

  it("claims runbooks and nothing else, highlighted as YAML, with the rbx server first", () => {
    const rbx = config.language.find((l) => l.name === "rbx");
    const globs = rbx?.["file-types"].map((f) => f.glob) ?? [];
    const claimed = (name: string) => globs.some((g) => matchesGlob(name, g));
    expect(claimed("scrydon.rb.yaml")).toBe(true);
    expect(claimed("kryton.rb.yml")).toBe(true);
    expect(claimed("values.yaml")).toBe(false);
    expect(rbx?.grammar).toBe("yaml");
    expect(rbx?.["language-servers"][0]).toBe("rbx");
  });

  it("starts a working server with its command, args and config", async () => {
    // `rbx` on PATH, as an installed rbx puts it there.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "rbx"),
      `#!/bin/sh\nexec "${process.execPath}" "${join(root, "bin", "rbx.js")}" "$@"\n`,
    );
    chmodSync(join(bin, "rbx"), 0o755);
    const server = config["language-server"].rbx;
    if (!server) throw new Error("no [language-server.rbx]");
    const client = await LspClient.start({
      command: { command: server.command, args: server.args },
      env: { PATH: `${bin}:${process.env.PATH}` },
      initializationOptions: server.config ?? {},
    });
    try {
      expect(client.initialized.serverInfo?.name).toBe("rbx");
      const rb = runbook("kryton.rb.yaml");
      const typo = rb.text.replace(/steps\.(\w+)\.output/, "steps.$1x.output");
      const diagnostics = await client.open(rb.uri, typo);
      expect(diagnostics.map((d) => d.code)).toContain("unknown-field");
    } finally {
      await client.stop();
    }
  });
});
