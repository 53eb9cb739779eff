// Bad input never stops the server: every prefix of a real runbook (as if typed), garbage, deep nesting and a
// huge file each get a diagnostic at most, and every request on them is still answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient, runbook } from "./client.js";

/** A valid runbook of `n` http checks, each reading the one before it. */
function largeRunbook(n: number): string {
  const steps = Array.from({ length: n }, (_, i) =>
    [
      `      - id: s${i}`,
      "        action: http.check",
      ...(i > 0 ? [`        when: steps.s${i - 1}.output.status == 200`] : []),
      `        with: { connection: api, url: "/items/${i}?v=\${{ params.version }}" }`,
      "        expect:",
      `          - that: output.status == 200 && size(output.text) > ${i}`,
    ].join("\n"),
  );
  return [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: large, version: 1.0.0, owners: [t] }",
    "params:",
    "  version: { type: string, default: v1 }",
    "connections:",
    '  api: { kind: http, baseUrl: "http://127.0.0.1:1" }',
    "phases:",
    "  - id: read",
    "    steps:",
    ...steps,
    "",
  ].join("\n");
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  // No handler failed on any of it (a failure is logged and answered empty, never a crash).
  expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  const code = await client?.stop();
  expect(code).toBe(0);
});

/** Every request a feature makes, at a position; each must come back (an empty answer is fine). */
async function askEverything(uri: string, text: string, offset: number): Promise<void> {
  const before = text.slice(0, offset);
  const position = {
    line: before.split("\n").length - 1,
    character: offset - (before.lastIndexOf("\n") + 1),
  };
  const diagnostics = client.published.get(uri)?.diagnostics ?? [];
  const answers = await Promise.all([
    client.completion(uri, position),
    client.hover(uri, position),
    client.definition(uri, position),
    client.references(uri, position, true),
    client.symbols(uri),
    client.codeActions(uri, diagnostics),
  ]);
  expect(answers).toHaveLength(6);
}

describe("robustness", () => {
  it("answers on every prefix of a runbook, as if it were being typed", async () => {
    const rb = runbook("scrydon.rb.yaml");
    await client.open(rb.uri, "");
    const cuts = 60;
    for (let i = 1; i <= cuts; i++) {
      // Cut points spread over the file, shifted off line starts so most land mid-token.
      const at = Math.min(rb.text.length, Math.floor((rb.text.length * i) / cuts) + (i % 7));
      const text = rb.text.slice(0, at);
      await client.change(rb.uri, text);
      await askEverything(rb.uri, text, text.length);
      await askEverything(rb.uri, text, Math.floor(text.length / 2));
    }
    expect(await client.change(rb.uri, rb.text)).toEqual([]);
  });

  it("answers garbage, deep nesting, unclosed quotes and templates with diagnostics", async () => {
    const uri = "untitled:garbage.rb.yaml";
    await client.open(uri, "apiVersion: rbx/v1\n");
    const inputs = [
      "\u0000\u0001\uffff\n\t\t- : :",
      `apiVersion: rbx/v1\nphases: ${"[".repeat(5000)}`,
      `apiVersion: rbx/v1\nguards:\n  - that: ${"(".repeat(3000)}params.x`,
      'apiVersion: rbx/v1\nguards:\n  - that: "params.x ==\n',
      'apiVersion: rbx/v1\nphases:\n  - id: p\n    steps:\n      - id: s\n        action: exec\n        with: { program: "${{ steps." }\n',
      `apiVersion: rbx/v1\nguards:\n  - that: ${"a.".repeat(20_000)}b\n`,
      "apiVersion: rbx/v1\n&a x: *a\n",
    ];
    for (const text of inputs) {
      const diagnostics = await client.change(uri, text);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.every((d) => d.code !== "internal-error")).toBe(true);
      await askEverything(uri, text, text.length);
    }
  });

  it("analyses a large runbook and refuses a huge one with one diagnostic, still answering", async () => {
    const uri = "untitled:large.rb.yaml";
    const large = largeRunbook(600);
    expect(await client.open(uri, large)).toEqual([]);
    await askEverything(uri, large, large.indexOf("steps.") + 6);
    const huge = `${large}${"# padding\n".repeat(Math.ceil((4.5 * 1024 * 1024) / 10))}`;
    const refused = await client.change(uri, huge);
    expect(refused.map((d) => d.code)).toEqual(["too-large"]);
    expect(refused[0]?.message).toContain("rbx lint");
    await askEverything(uri, huge, 100);
    expect(await client.change(uri, large)).toEqual([]);
  });
});
