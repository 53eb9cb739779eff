// Diagnostics as you type over a real stdio connection: exactly what `rbx lint` reports for the real runbooks
// and for edits of them, with codes, links to the docs, related places, debouncing, the nearest .rbx.yaml,
// and bad input (broken YAML, a non-runbook, a huge file) answered with a diagnostic at most.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { lintSource } from "../../src/lint/linter.js";
import { fixtureRunbook, LspClient, runbook, textAt } from "./client.js";

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client?.stop();
});

/** What `rbx lint` reports for a text, as `line:col code` with 0-based LSP positions. */
async function lintBrief(file: string, text: string): Promise<string[]> {
  return (await lintSource(file, text, { catalog: builtinCatalog })).diagnostics.map(
    (d) => `${d.span.start.line - 1}:${d.span.start.column - 1} ${d.code}`,
  );
}
const brief = (ds: { range: { start: { line: number; character: number } }; code?: string | number }[]) =>
  ds.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`);

describe("diagnostics", () => {
  it("reports nothing for the real runbooks, as rbx lint does", async () => {
    for (const name of [
      "scrydon.rb.yaml",
      "kryton.rb.yaml",
      "alexandria.rb.yaml",
      "examples/guarded-migration.rb.yaml",
      "examples/service-health.rb.yaml",
    ]) {
      const rb = runbook(name);
      expect(await client.open(rb.uri, rb.text), name).toEqual([]);
      expect(await lintBrief(rb.path, rb.text), name).toEqual([]);
    }
  });

  it("reports an edit's problems exactly as rbx lint does, with codes and links to the docs", async () => {
    const rb = fixtureRunbook("scrydon.rb.yaml");
    expect(await client.open(rb.uri, rb.text)).toEqual([]);
    const text = rb.text
      .replace("that: output.current.revision > 0", "that: output.current.revison > 0")
      .replace("retry: { every: 5s, timeout: 5m }", "retry: { every: 5s }")
      .replace("action: helm.history", "action: helm.histroy");
    const got = await client.change(rb.uri, text);
    expect(brief(got)).toEqual(await lintBrief(rb.path, text));
    // helm.histroy is refused by the loader, so the checker and rules do not run: fix it and see them.
    const text2 = text.replace("action: helm.histroy", "action: helm.history");
    const got2 = await client.change(rb.uri, text2);
    expect(brief(got2)).toEqual(await lintBrief(rb.path, text2));
    const rule = got2.find((d) => d.code === "retry-without-timeout");
    expect(rule?.severity).toBe(2);
    expect(rule?.source).toBe("rbx");
    expect(rule?.codeDescription?.href).toMatch(/\/docs\/rules\/retry-without-timeout\.md$/);
    expect(existsSync(fileURLToPath(rule?.codeDescription?.href as string))).toBe(true);
    const typo = got2.find((d) => d.code === "unknown-field");
    expect(typo?.codeDescription?.href).toMatch(/\/docs\/expressions\.md#errors-and-limits$/);
    expect(textAt(text2, typo?.range as never)).toBe("revison");
    expect(await client.change(rb.uri, rb.text)).toEqual([]);
  });

  it("gives related places (the first of a duplicate key)", async () => {
    const rb = runbook("scrydon.rb.yaml");
    const text = rb.text.replace(
      'with: { release: "${{ params.release }}", max: 5 }',
      'with: { release: "${{ params.release }}", max: 5, release: x }',
    );
    const [dup] = await client.change(rb.uri, text);
    expect(dup?.code).toBe("duplicate-key");
    expect(dup?.relatedInformation?.[0]?.location.uri).toBe(rb.uri);
    expect(textAt(text, dup?.relatedInformation?.[0]?.location.range as never)).toBe("release");
    expect(dup?.codeDescription?.href).toMatch(/\/docs\/format\.md#diagnostics$/);
    await client.change(rb.uri, rb.text);
  });

  it("answers broken YAML with its diagnostic and recovers when it is fixed", async () => {
    const rb = runbook("kryton.rb.yaml");
    await client.open(rb.uri, rb.text);
    const broken = rb.text.replace("phases:", "phases: [\n");
    const got = await client.change(rb.uri, broken);
    expect(got.length).toBeGreaterThan(0);
    expect(brief(got)).toEqual(await lintBrief(rb.path, broken));
    expect(await client.change(rb.uri, rb.text)).toEqual([]);
  });

  it("stays silent on YAML that is not a runbook", async () => {
    const uri = pathToFileURL(join(tmpdir(), "values.yaml")).href;
    expect(await client.open(uri, "image:\n  tag: latest\n")).toEqual([]);
  });

  it("lints with the nearest .rbx.yaml, as rbx lint does, and says when it refuses one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rbx-lsp-config-"));
    try {
      const rb = runbook("scrydon.rb.yaml");
      const text = rb.text.replace("retry: { every: 5s, timeout: 5m }", "retry: { every: 5s }");
      const uri = pathToFileURL(join(dir, "scrydon.rb.yaml")).href;
      expect((await client.open(uri, text)).map((d) => d.code)).toEqual(["retry-without-timeout"]);
      writeFileSync(join(dir, ".rbx.yaml"), "lint:\n  rules:\n    retry-without-timeout: off\n");
      expect(await client.change(uri, `${text}\n`)).toEqual([]);
      writeFileSync(join(dir, ".rbx.yaml"), "lint:\n  rules:\n    no-such-rule: off\n");
      const refused = await client.change(uri, text);
      expect(refused.map((d) => d.code)).toEqual(["invalid-config", "retry-without-timeout"]);
      expect(refused[0]?.relatedInformation?.[0]?.message).toContain("unknown rule `no-such-rule`");
      await client.close(uri);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lints a burst of edits once, after it (debounced)", async () => {
    const slow = await LspClient.start({ initializationOptions: { diagnosticsDelayMs: 5000 } });
    try {
      const rb = runbook("kryton.rb.yaml");
      await slow.open(rb.uri, rb.text);
      await slow.change(rb.uri, `${rb.text}\n`);
      const versions: (number | undefined)[] = [];
      slow.listeners.push((p) => {
        if (p.uri === rb.uri) versions.push(p.version);
      });
      // Five edits in a row, the first within the delay of the one before: one run, for the last.
      let last = 0;
      for (let i = 0; i < 5; i++) last = await slow.edit(rb.uri, `${rb.text}${"\n".repeat(i + 2)}`);
      await slow.diagnosticsFor(rb.uri, last);
      expect(versions).toEqual([last]);
    } finally {
      await slow.stop();
    }
  });

  it("clears a closed document's diagnostics", async () => {
    const rb = runbook("examples/service-health.rb.yaml");
    await client.open(rb.uri, rb.text.replace("that: output.upToDate", "that: output.upToDat"));
    const cleared = client.diagnosticsFor(rb.uri, 0);
    await client.close(rb.uri);
    expect((await cleared).diagnostics).toEqual([]);
  });
});
