// rbx graph: golden Mermaid and dot for a sample runbook, Graphviz parses the dot, labels are escaped.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { main } from "../../src/cli/main.js";
import { mermaidText } from "../../src/graph/mermaid.js";
import { renderGraph } from "../../src/graph/render.js";
import { loadRunbook } from "../../src/parser/load.js";
import { mermaidProblems } from "./mermaid-syntax.js";

const fixtures = join(import.meta.dirname, "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "rbx-graph-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function load(name: string) {
  const file = join(fixtures, name);
  const loaded = loadRunbook(`fixtures/${name}`, readFileSync(file, "utf8"), { catalog: builtinCatalog });
  if (!loaded.runbook) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.runbook;
}

/** Compare with the golden file; RBX_UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function golden(name: string, actual: string): void {
  const path = join(fixtures, name);
  if (process.env.RBX_UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** Graphviz's own parser and layout: a syntax error exits non-zero with the line. */
function dotRenders(text: string): string {
  return execFileSync("dot", ["-Tsvg"], { input: text, encoding: "utf8", timeout: 30_000 });
}

async function cli(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await main(argv, { stdout, stderr, env: {}, cwd: tmp });
  return { code, out, err };
}

describe("rbx graph", () => {
  it("draws the sample runbook as the golden Mermaid flowchart", () => {
    const text = renderGraph(load("kryton.rb.yaml"), "mermaid", builtinCatalog);
    expect(mermaidProblems(text)).toEqual([]);
    golden("kryton.mmd", text);
  });

  it("draws the sample runbook as golden dot that Graphviz lays out", () => {
    const text = renderGraph(load("kryton.rb.yaml"), "dot", builtinCatalog);
    golden("kryton.dot", text);
    const svg = dotRenders(text);
    for (const title of ["cluster_phase_upgrade", "cluster_rollback_upgrade", "cluster_checks_healthy"])
      expect(svg).toContain(title);
  });

  it("shows phases, rollback edges from the boundary, check suites and the failure policy", () => {
    const text = renderGraph(load("kryton.rb.yaml"), "mermaid", builtinCatalog);
    expect(text).toContain(
      'subgraph phase_upgrade["phase upgrade #183; rollback boundary #183; onFailure: rollback"]',
    );
    expect(text).toContain('phase_upgrade -.->|"on failure: roll back"| rollback_upgrade');
    expect(text).toContain('step_upgrade_3 -.->|"runs"| checks_healthy');
    expect(text).toContain('step_upgrade_migrations -.->|"on failure: halt"| halted');
    expect(text).toContain('step_upgrade_upgrade["upgrade<br/>helm.upgrade');
  });

  it("escapes labels and keeps keyword-like ids valid in both syntaxes", () => {
    const runbook = load("tricky.rb.yaml");
    const mmd = renderGraph(runbook, "mermaid", builtinCatalog);
    expect(mermaidProblems(mmd)).toEqual([]);
    expect(mmd).toContain(
      "#34;say #92;#34;quotes#92;#34; #124; pipes#34; != #34;#60;b#62;#38;amp#59;#60;/b#62;#34;",
    );
    expect(mmd).toContain("#34;a#35;b#59;c#34;");
    const dot = renderGraph(runbook, "dot", builtinCatalog);
    const svg = dotRenders(dot);
    expect(svg).toContain(
      "&quot;say \\&quot;quotes\\&quot; | pipes&quot; != &quot;&lt;b&gt;&amp;amp;&lt;/b&gt;&quot;",
    );
  });

  it("escapes every character that could end a Mermaid label", () => {
    expect(mermaidText('a"b|c[d]e{f}g<h>i#j;k`l')).toBe(
      "a#34;b#124;c#91;d#93;e#123;f#125;g#60;h#62;i#35;j#59;k#96;l",
    );
  });

  it("runs from the CLI with --format and -o, and refuses bad usage", async () => {
    const file = join(fixtures, "kryton.rb.yaml");
    const r = await cli(["graph", file]);
    expect(r.code).toBe(0);
    expect(r.out.startsWith("flowchart TD\n")).toBe(true);
    const out = join(tmp, "g.dot");
    expect((await cli(["graph", file, "--format", "dot", "-o", out])).code).toBe(0);
    expect(readFileSync(out, "utf8").startsWith("digraph runbook {")).toBe(true);
    const bad = await cli(["graph", file, "--format", "svg"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown format "svg"');
    const notYaml = join(tmp, "broken.rb.yaml");
    writeFileSync(notYaml, "apiVersion: [\n");
    expect((await cli(["graph", notYaml])).code).toBe(1);
  });
});
