// Golden fixtures: ok/ must load without a diagnostic; each err/ case must print exactly its .out file.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { loaderCodes } from "../../src/parser/codes.js";
import { loadRunbook } from "../../src/parser/load.js";
import { fixtureCatalog } from "../fixtures/catalog.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const update = process.env.UPDATE_GOLDEN === "1";

/** `file:line:col: message [code]`, the golden line format (file relative to the fixtures dir). */
const line = (d: Diagnostic): string =>
  `${d.span.file}:${d.span.start.line}:${d.span.start.column}: ${d.message} [${d.code}]`;

/** Files a fixture names (`run:` children) are read from the fixtures dir, as the fixture's own name is. */
const readText = (path: string): string =>
  readFileSync(join(fixtures, relative(process.cwd(), path)), "utf8");

function load(rel: string): Diagnostic[] {
  return loadRunbook(rel, readFileSync(join(fixtures, rel), "utf8"), { catalog: fixtureCatalog, readText })
    .diagnostics;
}

const cases = (dir: string): string[] =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith(".rb.yaml"))
    .sort();

describe("ok fixtures", () => {
  it.each(cases("ok"))("%s loads without diagnostics", (name) => {
    expect(load(`ok/${name}`).map(line)).toEqual([]);
  });
});

describe("err fixtures", () => {
  const seen = new Set<string>();

  it.each(cases("err"))("%s", (name) => {
    const rel = `err/${name}`;
    const diagnostics = load(rel);
    for (const d of diagnostics) seen.add(d.code);
    const actual = `${diagnostics.map(line).sort().join("\n")}\n`;
    const outPath = join(fixtures, "err", name.replace(/\.rb\.yaml$/, ".out"));
    if (update) writeFileSync(outPath, actual);
    expect(diagnostics.length, "an err fixture must produce at least one diagnostic").toBeGreaterThan(0);
    expect(actual).toBe(readFileSync(outPath, "utf8"));
  });

  it("there are at least 30 cases and together they emit every loader code", () => {
    expect(cases("err").length).toBeGreaterThanOrEqual(30);
    const fromFixtures = Object.keys(loaderCodes).filter((c) => c !== "read-error");
    expect(fromFixtures.filter((c) => !seen.has(c))).toEqual([]);
    expect([...seen].filter((c) => !(c in loaderCodes))).toEqual([]);
  });
});

describe("docs/format.md", () => {
  it("lists every loader code", () => {
    const doc = readFileSync(join(fixtures, "..", "..", "docs", "format.md"), "utf8");
    expect(Object.keys(loaderCodes).filter((c) => !doc.includes(`| \`${c}\` |`))).toEqual([]);
  });
});
