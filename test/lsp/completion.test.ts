// Completion over a real stdio connection on the real runbooks: actions, check suites, with: fields,
// connections, and inside expressions exactly the params, steps and output fields the checker knows —
// including inside folded (>-) and quoted YAML strings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { functionNames } from "../../src/check/overloads.js";
import { editRange, fixtureRunbook, LspClient, positionOf, textAt } from "./client.js";
import { load, outputFields, ranBefore, stepById } from "./expected.js";

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client?.stop();
});

/** Open (or change) a document to `text` and ask for completion at the `nth` `needle`, `shift` into it. */
async function complete(uri: string, text: string, needle: string, shift = needle.length, nth = 0) {
  if (client.published.has(uri)) await client.change(uri, text);
  else await client.open(uri, text);
  return client.completion(uri, positionOf(text, needle, shift, nth));
}
const labels = (items: { label: string }[]) => items.map((i) => i.label);

describe("completion in expressions", () => {
  const scrydon = fixtureRunbook("scrydon.rb.yaml");

  it("offers after `params.` exactly the runbook's params, typed and described", async () => {
    const text = scrydon.text.replace("- that: params.minLicenceDays >= 90", "- that: params.");
    const items = await complete(scrydon.uri, text, "- that: params.");
    expect(labels(items)).toEqual(load(scrydon.text).params.map((p) => p.name.value));
    const v = items.find((i) => i.label === "targetVersion");
    expect(v?.detail).toBe("semver");
    expect(JSON.stringify(v?.documentation)).toContain("The Scrydon release to roll out");
  });

  it("offers after `env.` the declared environment variables", async () => {
    const text = scrydon.text.replace("- that: params.minLicenceDays >= 90", "- that: env.");
    const items = await complete(scrydon.uri, text, "- that: env.");
    expect(labels(items)).toEqual(load(scrydon.text).env.map((e) => e.name.value));
  });

  it("still completes an expression while another part of the document is refused (the partial AST)", async () => {
    const text = scrydon.text
      .replace("action: helm.history", "action:")
      .replace("when: has(steps.upgrade.output)", "when:  steps.");
    const items = await complete(scrydon.uri, text, "when:  steps.");
    const rb = load(scrydon.text);
    expect(labels(items)).toEqual(ranBefore(rb, stepById(rb, "authMigrationJob")));
    expect(client.published.get(scrydon.uri)?.diagnostics.map((d) => d.code)).toContain("wrong-type");
  });

  it("offers after `steps.` only the steps that can have run by then (and the step itself in expect)", async () => {
    const rb = load(scrydon.text);
    // A when of the upgrade phase: everything of precheck, repair-tracking, backup and the upgrade before it.
    const text = scrydon.text.replace("when: has(steps.upgrade.output)", "when:  steps.");
    let items = await complete(scrydon.uri, text, "when:  steps.");
    expect(labels(items)).toEqual(ranBefore(rb, stepById(rb, "authMigrationJob")));
    expect(labels(items)).toContain("upgrade");
    expect(labels(items)).not.toContain("authMigrationJob");
    expect(labels(items)).not.toContain("apiPlatformRollout");
    // An expectation of `history` may read history itself, and nothing after it.
    const t2 = scrydon.text.replace("that: output.current.revision > 0", "that: steps.");
    items = await complete(scrydon.uri, t2, "that: steps.", undefined, 0);
    expect(labels(items)).toEqual([...ranBefore(rb, stepById(rb, "history")), "history"]);
    expect(items.find((i) => i.label === "history")?.detail).toBe("helm.history → helm.history.output");
  });

  it("types `steps.<id>.output.` by the action's output type, field by field", async () => {
    const text = scrydon.text.replace("when: has(steps.upgrade.output)", "when: steps.history.output.");
    let items = await complete(scrydon.uri, text, "when: steps.history.output.");
    expect(labels(items)).toEqual(outputFields("helm.history"));
    const t2 = scrydon.text.replace("when: has(steps.upgrade.output)", "when: steps.history.output.current.");
    items = await complete(scrydon.uri, t2, "when: steps.history.output.current.");
    expect(labels(items)).toEqual(["revision", "status", "chart", "app_version", "updated", "description"]);
    expect(items.find((i) => i.label === "revision")?.detail).toBe("int");
  });

  it("completes the partial word and replaces exactly it", async () => {
    const text = scrydon.text.replace("when: has(steps.upgrade.output)", "when: steps.history.output.curr");
    const items = await complete(scrydon.uri, text, "output.curr");
    expect(textAt(text, editRange(items.find((i) => i.label === "current")))).toBe("curr");
  });

  it("works inside a folded (>-) scalar: the rollback's restore condition", async () => {
    // `has(steps.analyticsLedger.output)` sits on the first folded line, `|| steps.analyticsLedgerAfter` on the last.
    const rb = load(scrydon.text);
    const items = await complete(
      scrydon.uri,
      scrydon.text,
      "|| steps.analyticsLedgerAfter",
      "|| steps.".length,
    );
    const rollback = rb.phases.find((p) => p.id.value === "upgrade")?.rollback?.[3];
    if (!rollback) throw new Error("no rollback step");
    expect(labels(items)).toEqual(ranBefore(rb, rollback));
    expect(labels(items)).toContain("analyticsLedgerAfter");
    const fields = await complete(
      scrydon.uri,
      scrydon.text,
      "|| steps.analyticsLedgerAfter.output.",
      "|| steps.analyticsLedgerAfter.output.".length,
    );
    expect(labels(fields)).toEqual(outputFields("sql.migrations"));
  });

  it("works inside a double-quoted scalar and in `${{ }}` of a quoted and a folded template", async () => {
    const quoted = await complete(
      scrydon.uri,
      scrydon.text,
      '"!has(steps.authLedgerAfter.output)',
      '"!has(steps.authLedgerAfter.'.length,
    );
    expect(labels(quoted)).toEqual(["output", "status"]);
    const template = await complete(
      scrydon.uri,
      scrydon.text,
      'snapshot: "${{ steps.authSnapshot.output.id }}"',
      'snapshot: "${{ steps.authSnapshot.output.'.length,
    );
    expect(labels(template)).toEqual(outputFields("snapshot.create"));
    // The approval prompt is a folded template: `${{ params.valuesFile }}` sits on its second line.
    const folded = await complete(
      scrydon.uri,
      scrydon.text,
      "${{ params.valuesFile }}",
      "${{ params.".length,
    );
    expect(labels(folded)).toContain("valuesFile");
  });

  it("knows a comprehension variable's type: `output.rows.exists(r, r.`", async () => {
    const text = scrydon.text.replace(
      'that: output.rows.exists(r, r.name == params.release && r.status == "deployed")',
      "that: output.rows.exists(r, r.",
    );
    const items = await complete(scrydon.uri, text, "exists(r, r.");
    expect(labels(items)).toEqual(outputFieldsOfRow());
    expect(labels(items)).toContain("status");
  });

  it("offers names, functions and macros where a name starts, and methods after a typed value", async () => {
    const text = scrydon.text.replace("when: has(steps.upgrade.output)", "when: ");
    const items = await complete(scrydon.uri, text, "        when: \n", "        when: ".length);
    const names = labels(items);
    expect(names.slice(0, 4)).toEqual(["params", "env", "connections", "steps"]);
    expect(names).toContain("has");
    for (const f of ["size", "semver", "int", "duration", "timestamp"]) expect(names).toContain(f);
    expect(names.filter((n) => functionNames().includes(n) && !["has"].includes(n)).length).toBeGreaterThan(
      10,
    );
    expect(items.find((i) => i.label === "semver")?.detail).toBe("semver(string) -> semver");
    const t2 = scrydon.text.replace("when: has(steps.upgrade.output)", "when: params.release.");
    const methods = labels(await complete(scrydon.uri, t2, "when: params.release."));
    expect(methods).toEqual(expect.arrayContaining(["startsWith", "contains", "size", "matches", "split"]));
    expect(methods).not.toContain("all");
    const t3 = scrydon.text.replace("when: has(steps.upgrade.output)", "when: steps.history.output.rows.");
    const listMethods = labels(await complete(scrydon.uri, t3, "when: steps.history.output.rows."));
    expect(listMethods).toEqual(
      expect.arrayContaining(["all", "exists", "exists_one", "map", "filter", "size"]),
    );
  });

  it("offers `output` only where the step's output is judged", async () => {
    const text = scrydon.text.replace("when: has(steps.upgrade.output)", "when: ");
    const inWhen = labels(await complete(scrydon.uri, text, "        when: \n", "        when: ".length));
    expect(inWhen).not.toContain("output");
    const t2 = scrydon.text.replace("that: output.current.revision > 0", "that: ");
    const inExpect = labels(await complete(scrydon.uri, t2, "that: \n", "that: ".length));
    expect(inExpect).toContain("output");
  });
});

/** The fields of a helm.list row, as the catalog types them. */
function outputFieldsOfRow(): string[] {
  const t = builtinCatalog.find("helm.list")?.output;
  const rows = t?.kind === "object" ? t.fields.rows : undefined;
  return rows?.kind === "list" && rows.elem.kind === "object" ? Object.keys(rows.elem.fields) : [];
}

describe("completion in the YAML", () => {
  const scrydon = fixtureRunbook("scrydon.rb.yaml");

  it("offers every action after `action:`, with its summary and docs", async () => {
    const text = scrydon.text.replace("action: helm.history", "action: hel");
    const items = await complete(scrydon.uri, text, "action: hel");
    expect(labels(items)).toEqual(builtinCatalog.actions.map((a) => a.name));
    const history = items.find((i) => i.label === "helm.history");
    expect(history?.detail).toContain("read");
    expect(JSON.stringify(history?.documentation)).toContain("current");
    expect(textAt(text, editRange(history))).toBe("hel");
  });

  it("offers the document's check suites after `check:`", async () => {
    const text = scrydon.text.replace("- check: serving-target", "- check: serv");
    const items = await complete(scrydon.uri, text, "- check: serv");
    expect(labels(items)).toEqual(load(scrydon.text).checks.map((c) => c.name.value));
  });

  it("offers the fields of the step's action under `with:`, without those already given", async () => {
    // helm.history's with: gives release and max; a new line under it asks for another field.
    const text = scrydon.text.replace(
      'with: { release: "${{ params.release }}", max: 5 }',
      'with:\n          release: "${{ params.release }}"\n          ',
    );
    const items = await complete(
      scrydon.uri,
      text,
      'release: "${{ params.release }}"\n          ',
      'release: "${{ params.release }}"\n          '.length,
    );
    const input = builtinCatalog.find("helm.history")?.input.properties as Record<string, unknown>;
    expect(labels(items)).toEqual(Object.keys(input).filter((k) => k !== "release"));
    // A half-typed key (the document no longer passes the schema) still completes, from the partial AST.
    const half = text.replace(
      'release: "${{ params.release }}"\n          ',
      'release: "${{ params.release }}"\n          ma',
    );
    const typed = await complete(scrydon.uri, half, "\n          ma", "\n          ma".length);
    expect(labels(typed)).toContain("max");
    expect(typed.find((i) => i.label === "max")?.textEdit).toMatchObject({ newText: "max: " });
  });

  it("offers nested fields and enum values from the input schema, and connections of the action's kind", async () => {
    const text = scrydon.text.replace(
      "with: { connection: platform, url: /license }",
      "with: { connection: , url: /license, method:  }",
    );
    const conns = await complete(scrydon.uri, text, "connection: , url: /license", "connection: ".length);
    expect(labels(conns)).toEqual(["platform", "agentic", "analytics", "forwarder"]);
    const methods = await complete(scrydon.uri, text, "method:  }", "method: ".length);
    expect(labels(methods)).toEqual(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    const nested = scrydon.text.replace(
      "with: { connection: platform, url: /readyz, expect: { status: 200 } }",
      "with: { connection: platform, url: /readyz, expect: {  } }",
    );
    const fields = await complete(scrydon.uri, nested, "expect: {  }", "expect: { ".length);
    expect(labels(fields)).toContain("status");
  });
});
