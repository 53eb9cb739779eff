// The editor integration as docs/format.md documents it: a runbook whose first line names the schema
// (`# yaml-language-server: $schema=../schema/runbook.schema.json`), opened in the real yaml-language-server (the
// server of VS Code's YAML extension, Neovim's yamlls, …) over stdio: completion inside `with:` offers the chosen
// action's fields, and hover explains `phases`, `retry.attempts` and helm.upgrade's `atomic` with an example.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DidChangeConfigurationNotification, type Hover } from "vscode-languageserver-protocol/node";
import { rbxPackage } from "../../src/package-root.js";
import { LspClient } from "../lsp/client.js";

const repo = rbxPackage().root;
/** The document lives where a runbook of this repository would, so the modeline's relative path resolves. */
const uri = pathToFileURL(join(repo, "runbooks", "editor-check.rb.yaml")).href;

/** The runbook as a user types it; `lines[i]` is line i (0-based, as LSP counts). */
const lines = [
  "# yaml-language-server: $schema=../schema/runbook.schema.json",
  "apiVersion: rbx/v1",
  "kind: Runbook",
  "metadata: { name: editor-check, version: 1.0.0 }",
  "phases:",
  "  - id: upgrade",
  "    steps:",
  "      - id: up",
  "        action: helm.upgrade",
  "        retry:",
  "          attempts: 3",
  "        with:",
  "          release: kryton",
  "          chart: ./charts/kryton",
  "          atomic: true",
  "          ",
  "      - id: ready",
  "        action: http.check",
  "        with:",
  "          ",
];
const text = `${lines.join("\n")}\n`;
const at = (line: string, word: string) => {
  const l = lines.indexOf(line);
  if (l < 0) throw new Error(`no line ${JSON.stringify(line)}`);
  return { line: l, character: line.indexOf(word) + 1 };
};

let lsp: LspClient;

beforeAll(async () => {
  // The same test client as rbx's own language server's tests, started with yaml-language-server as its command.
  const pkg = createRequire(import.meta.url).resolve("yaml-language-server/package.json");
  lsp = await LspClient.start({
    command: {
      command: process.execPath,
      args: [join(dirname(pkg), "bin", "yaml-language-server"), "--stdio"],
    },
  });
  // The settings an editor gives: validation, hover and completion on; no schema store download.
  await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { yaml: { validate: true, hover: true, completion: true, schemaStore: { enable: false } } },
  });
}, 60_000);

afterAll(async () => {
  await lsp?.stop();
});

const hoverText = (h: Hover | null): string => {
  if (!h) return "";
  const c = h.contents;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === "string" ? x : x.value)).join("\n");
  return c.value;
};

describe("yaml-language-server with the rbx schema", () => {
  it("finds no problem in the repository's runbooks, each naming the schema by its modeline", async () => {
    const files = [
      ...readdirSync(join(repo, "runbooks")).map((f) => join(repo, "runbooks", f)),
      ...readdirSync(join(repo, "runbooks", "examples")).map((f) => join(repo, "runbooks", "examples", f)),
    ].filter((f) => f.endsWith(".rb.yaml"));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const content = readFileSync(file, "utf8");
      expect(content.split("\n")[0], file).toMatch(
        /^# yaml-language-server: \$schema=(\.\.\/)+schema\/runbook\.schema\.json$/,
      );
      const diagnostics = await lsp.open(pathToFileURL(file).href, content);
      expect(
        diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`),
        file,
      ).toEqual([]);
    }
  });

  it("reports what the schema refuses, where it is", async () => {
    const badUri = pathToFileURL(join(repo, "runbooks", "editor-bad.rb.yaml")).href;
    const bad = text.replace("attempts: 3", "attempts: 0").replace("atomic: true", "atomic: yes please");
    const found = (await lsp.open(badUri, bad)).map((d) => d.range.start.line);
    expect(found).toContain(lines.indexOf("          attempts: 3"));
    expect(found).toContain(lines.indexOf("          atomic: true"));
  });

  it("completes the fields of the step's own action inside `with:`", async () => {
    await lsp.open(uri, text);
    const upgrade = (
      await lsp.completion(uri, { line: lines.indexOf("          atomic: true") + 1, character: 10 })
    ).map((i) => i.label);
    expect(upgrade).toEqual(expect.arrayContaining(["wait", "timeout", "version", "values", "install"]));
    // Fields already written are not offered again, and another action's fields are not offered at all.
    expect(upgrade).not.toContain("url");
    expect(upgrade).not.toContain("chart");
    const check = (await lsp.completion(uri, { line: lines.length - 1, character: 10 })).map((i) => i.label);
    expect(check).toEqual(expect.arrayContaining(["url", "method", "expect", "headers"]));
    expect(check).not.toContain("atomic");
  });

  it("explains `phases` on hover, with an example", async () => {
    const md = hoverText(await lsp.hover(uri, at("phases:", "phases")));
    expect(md).toContain("What the runbook does, in order.");
    expect(md).toContain("rollback boundary");
    expect(md).toContain("```yaml");
  });

  it("explains `retry.attempts` on hover, with an example", async () => {
    const md = hoverText(await lsp.hover(uri, at("          attempts: 3", "attempts")));
    expect(md).toContain("How many attempts in all");
    expect(md).toContain("retry:\n  attempts: 5");
  });

  it("explains helm.upgrade's `atomic` on hover, with an example", async () => {
    const md = hoverText(await lsp.hover(uri, at("          atomic: true", "atomic")));
    expect(md).toContain("Roll back on failure");
    expect(md).toContain("--rollback-on-failure");
    expect(md).toContain("with:\n  atomic: true");
  });
});
