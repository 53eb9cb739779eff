// Quick fixes over a real stdio connection, applied as an editor applies them: "did you mean" replacements
// (inside folded and quoted scalars too) and suppression comments whose reason placeholder counts as none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureRunbook, LspClient } from "./client.js";
import { applyAction } from "./edits.js";

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client?.stop();
});

const scrydon = fixtureRunbook("scrydon.rb.yaml");

/** Open or change the document, then the fixes offered for the diagnostics of code `code`. */
async function fixesFor(text: string, code: string) {
  const diags = client.published.has(scrydon.uri)
    ? await client.change(scrydon.uri, text)
    : await client.open(scrydon.uri, text);
  const d = diags.filter((x) => x.code === code);
  expect(d.length, JSON.stringify(diags)).toBeGreaterThan(0);
  return client.codeActions(scrydon.uri, d);
}

describe("did-you-mean quick fixes", () => {
  it("fixes a misspelt step inside a folded (>-) scalar, and the document is clean again", async () => {
    const text = scrydon.text.replace(
      "|| steps.analyticsLedgerAfter.output",
      "|| steps.analyticsLedgerAftr.output",
    );
    const [fix] = await fixesFor(text, "unknown-field");
    expect(fix?.title).toBe('Change to "analyticsLedgerAfter"');
    expect(fix?.isPreferred).toBe(true);
    const fixed = applyAction(text, scrydon.uri, fix);
    expect(fixed).toBe(scrydon.text);
    expect(await client.change(scrydon.uri, fixed)).toEqual([]);
  });

  it("fixes a misspelt step inside a double-quoted scalar", async () => {
    const text = scrydon.text.replace(
      '"!has(steps.authLedgerAfter.output)',
      '"!has(steps.authLedgerAfer.output)',
    );
    const fixes = await fixesFor(text, "unknown-field");
    expect(applyAction(text, scrydon.uri, fixes[0])).toBe(scrydon.text);
  });

  it("fixes a misspelt action and check suite (the loader's suggestions)", async () => {
    const text = scrydon.text.replace("action: helm.history", "action: helm.histroy");
    const [fix] = await fixesFor(text, "unknown-action");
    expect(applyAction(text, scrydon.uri, fix)).toBe(scrydon.text);
    const t2 = scrydon.text.replace("- check: serving-target", "- check: serving-targt");
    const [fix2] = await fixesFor(t2, "unknown-check");
    expect(applyAction(t2, scrydon.uri, fix2)).toBe(scrydon.text);
  });
});

describe("suppression quick fixes", () => {
  it("suppresses a rule's finding with a comment whose reason placeholder must be replaced", async () => {
    const text = scrydon.text.replace("retry: { every: 5s, timeout: 5m }", "retry: { every: 5s }");
    const fixes = await fixesFor(text, "retry-without-timeout");
    const suppress = fixes.find((f) => f.title.startsWith("Suppress"));
    expect(suppress?.title).toBe("Suppress retry-without-timeout here (with a reason)");
    const commented = applyAction(text, scrydon.uri, suppress);
    expect(commented).toContain(
      "      # rbx-disable-next-line retry-without-timeout -- <why this is safe here>\n      retry: { every: 5s }",
    );
    const left = await client.change(scrydon.uri, commented);
    expect(left.map((d) => d.code)).toEqual(["suppression-reason-required"]);
    expect(left[0]?.message).toContain("replace <why this is safe here>");
    const reasoned = commented.replace(
      "<why this is safe here>",
      "the probe endpoint answers at once or never",
    );
    expect(await client.change(scrydon.uri, reasoned)).toEqual([]);
  });

  it("brackets a multi-line scalar with disable/enable, where a comment line would be text", async () => {
    // A secret read on the second line of the folded approval prompt.
    const text = scrydon.text.replace(
      "(put them in ${{ params.valuesFile }})",
      "(put them in ${{ params.adminPassword }})",
    );
    const fixes = await fixesFor(text, "secret-param-leak");
    const suppress = fixes.find((f) => f.title.startsWith("Suppress"));
    const commented = applyAction(text, scrydon.uri, suppress);
    const prompt = text.slice(text.indexOf("          prompt: >-"), text.indexOf("          timeout: 30m"));
    expect(commented).toContain(
      `          # rbx-disable secret-param-leak -- <why this is safe here>\n${prompt}          # rbx-enable secret-param-leak\n          timeout: 30m`,
    );
    const left = await client.change(scrydon.uri, commented);
    expect(left.map((d) => d.code)).toEqual(["suppression-reason-required"]);
  });

  it("offers no suppression for the checker's and loader's errors", async () => {
    const text = scrydon.text.replace(
      "that: output.current.revision > 0",
      "that: output.current.revison > 0",
    );
    const fixes = await fixesFor(text, "unknown-field");
    expect(fixes.map((f) => f.title)).toEqual(['Change to "revision"']);
    await client.change(scrydon.uri, scrydon.text);
  });
});
