// Hover, go to definition, find references and the outline over a real stdio connection on the real runbooks,
// including names written inside folded (>-) and quoted YAML strings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { fixtureRunbook, LspClient, positionOf, textAt } from "./client.js";
import { load } from "./expected.js";

let client: LspClient;
const scrydon = fixtureRunbook("scrydon.rb.yaml");
const alexandria = fixtureRunbook("alexandria.rb.yaml");
beforeAll(async () => {
  client = await LspClient.start();
  await client.open(scrydon.uri, scrydon.text);
  await client.open(alexandria.uri, alexandria.text);
});
afterAll(async () => {
  await client?.stop();
});

const hoverText = async (uri: string, text: string, needle: string, shift: number, nth = 0) => {
  const h = await client.hover(uri, positionOf(text, needle, shift, nth));
  return h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
};

describe("hover", () => {
  it("shows a param's type and description, in an expression and at its declaration", async () => {
    const inExpr = await hoverText(scrydon.uri, scrydon.text, "params.minLicenceDays >= 90", 9);
    expect(inExpr).toContain("**param** `minLicenceDays`: `int`");
    expect(inExpr).toContain("Days of licence that must remain");
    expect(inExpr).toContain("default: `90`");
    const atDecl = await hoverText(scrydon.uri, scrydon.text, "  minLicenceDays:", 4);
    expect(atDecl).toBe(inExpr);
  });

  it("shows an action's effect, summary, output type and its section of docs/actions.md", async () => {
    const h = await hoverText(scrydon.uri, scrydon.text, "action: sql.migrations", 12);
    const action = builtinCatalog.find("sql.migrations");
    expect(h).toContain(`**sql.migrations** (read) — ${action?.summary}`);
    expect(h).toContain("applied: list of:");
    expect(h).toMatch(/drizzle|ledger/i);
  });

  it("shows a step's action and output type at `steps.<id>` — inside a folded scalar too", async () => {
    // `steps.analyticsSnapshot` opens the folded `when: >-` of the analytics restore.
    const h = await hoverText(scrydon.uri, scrydon.text, "has(steps.analyticsSnapshot.output)", 12);
    expect(h).toContain("**step** `analyticsSnapshot` — `snapshot.create` (read) in phase `backup`");
    expect(h).toContain("`steps.analyticsSnapshot.output`:");
    // Its last folded line.
    const last = await hoverText(scrydon.uri, scrydon.text, "|| steps.analyticsLedgerAfter.output", 12);
    expect(last).toContain("**step** `analyticsLedgerAfter` — `sql.migrations`");
  });

  it("shows a function's signatures and any sub-expression's type", async () => {
    const fn = await hoverText(
      scrydon.uri,
      scrydon.text,
      "semver(string(output.json.version)) < params.targetVersion",
      2,
    );
    expect(fn).toContain("semver(string) -> semver");
    expect(fn).toContain("semver(semver) -> semver");
    const field = await hoverText(scrydon.uri, scrydon.text, "output.current.revision > 0", 16);
    expect(field).toContain("`output.current.revision`");
    expect(field).toContain("int");
  });

  it("shows a step at its id, and nothing for a phase of the same name", async () => {
    const step = await hoverText(scrydon.uri, scrydon.text, "      - id: upgrade", 12);
    expect(step).toContain("**step** `upgrade` — `helm.upgrade` (write) in phase `upgrade`");
    expect(await client.hover(scrydon.uri, positionOf(scrydon.text, "  - id: upgrade", 8))).toBeNull();
  });

  it("answers nothing where there is nothing to say", async () => {
    expect(
      await client.hover(scrydon.uri, positionOf(scrydon.text, "summary: One helm upgrade", 12)),
    ).toBeNull();
  });
});

describe("definition and references", () => {
  it("goes from `steps.X` in a double-quoted scalar to the step's id", async () => {
    const def = await client.definition(
      scrydon.uri,
      positionOf(scrydon.text, '"!has(steps.authLedgerAfter.output)', 14),
    );
    expect(def?.uri).toBe(scrydon.uri);
    expect(textAt(scrydon.text, def?.range as never)).toBe("authLedgerAfter");
    expect(def?.range.start.line).toBe(positionOf(scrydon.text, "- id: authLedgerAfter", 6).line);
  });

  it("goes from `steps.X` inside a folded scalar, and from `params.X` in a template", async () => {
    const def = await client.definition(
      alexandria.uri,
      positionOf(alexandria.text, "int(steps.schemaBefore.output", 12),
    );
    expect(textAt(alexandria.text, def?.range as never)).toBe("schemaBefore");
    const param = await client.definition(
      scrydon.uri,
      positionOf(scrydon.text, "${{ params.valuesFile }}", 12),
    );
    expect(textAt(scrydon.text, param?.range as never)).toBe("valuesFile");
    expect(param?.range.start.line).toBe(positionOf(scrydon.text, "  valuesFile:", 2).line);
  });

  it("goes from `check: NAME` to the suite", async () => {
    const def = await client.definition(
      scrydon.uri,
      positionOf(scrydon.text, "- check: ledgers-at-baseline", 10),
    );
    expect(textAt(scrydon.text, def?.range as never)).toBe("ledgers-at-baseline");
  });

  it("finds every read of a step, a param and a suite, from a use or from the declaration", async () => {
    const rb = load(scrydon.text);
    const history = await client.references(scrydon.uri, positionOf(scrydon.text, "- id: history", 7), true);
    const texts = history.map((l) => textAt(scrydon.text, l.range));
    expect(texts.every((t) => t === "history")).toBe(true);
    expect(history.length).toBe(1 + (scrydon.text.match(/steps\.history\b/g) ?? []).length);
    const release = await client.references(
      scrydon.uri,
      positionOf(scrydon.text, "${{ params.release }}", 12),
    );
    expect(release.length).toBe((scrydon.text.match(/params\.release\b/g) ?? []).length);
    const suite = await client.references(
      scrydon.uri,
      positionOf(scrydon.text, "  services-ready:", 4),
      false,
    );
    expect(suite.map((l) => textAt(scrydon.text, l.range))).toEqual(["services-ready", "services-ready"]);
    expect(rb.checks.map((c) => c.name.value)).toContain("services-ready");
  });
});

describe("document symbols", () => {
  it("outlines params, check suites and phases with their steps and rollbacks", async () => {
    const symbols = await client.symbols(scrydon.uri);
    const rb = load(scrydon.text);
    const names = symbols.map((s) => s.name);
    expect(names).toEqual([
      ...rb.params.map((p) => p.name.value),
      ...rb.checks.map((c) => c.name.value),
      ...rb.phases.map((p) => p.id.value),
    ]);
    const upgrade = symbols.find((s) => s.name === "upgrade" && s.detail?.includes("phase"));
    expect(upgrade?.detail).toBe("phase · rollback boundary");
    const children = upgrade?.children?.map((c) => c.name) ?? [];
    expect(children.slice(0, 2)).toEqual(["upgrade", "authMigrationJob"]);
    expect(children[children.length - 1]).toBe("rollback");
    const rollback = upgrade?.children?.find((c) => c.name === "rollback");
    expect(rollback?.children?.map((c) => c.name)).toEqual([
      "helm.rollback",
      "snapshot.restore",
      "snapshot.restore",
      "snapshot.restore",
      "helm.list",
      "check services-ready",
      "check serving-previous",
      "check ledgers-at-baseline",
      "check user-paths",
    ]);
    expect(textAt(scrydon.text, upgrade?.selectionRange as never)).toBe("upgrade");
  });
});
