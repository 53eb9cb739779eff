// The traceability tables (docs/runbooks/*-traceability.md) stay honest: every rehearsal in a legend is a test
// that exists, every step a row names is a step (or suite, param or action) of the runbooks, and no row is left
// without a step unless it says why.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import type { Runbook, Step } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";

const root = join(import.meta.dirname, "..", "..");
const tables = readdirSync(join(root, "docs", "runbooks")).filter((f) => f.endsWith("-traceability.md"));

function steps(rb: Runbook): Step[] {
  const out: Step[] = [];
  const add = (list: readonly Step[]) => {
    for (const s of list) {
      out.push(s);
      if (s.verify) out.push(s.verify);
    }
  };
  for (const c of rb.checks) add(c.steps);
  for (const p of rb.phases) {
    add(p.steps);
    add(p.rollback ?? []);
  }
  return out;
}

/** Every name a steps column may use: step ids, suites, params and actions of the product runbooks, and fields. */
function knownNames(): Set<string> {
  const names = new Set<string>(builtinCatalog.actions.map((a) => a.name));
  // The fields of \`with:\` (verifyFromFiles, resetThenReuseValues, …) are named in the steps column too.
  for (const a of builtinCatalog.actions)
    for (const field of Object.keys((a.input.properties as Record<string, unknown> | undefined) ?? {}))
      names.add(field);
  for (const f of readdirSync(join(root, "runbooks")).filter((x) => x.endsWith(".rb.yaml"))) {
    const rb = loadRunbook(f, readFileSync(join(root, "runbooks", f), "utf8"), {
      catalog: builtinCatalog,
    }).runbook;
    if (!rb) throw new Error(`runbooks/${f} does not load`);
    for (const s of steps(rb)) if (s.id) names.add(s.id.value);
    for (const c of rb.checks) names.add(c.name.value);
    for (const p of rb.params) names.add(p.name.value);
    for (const p of rb.phases) names.add(p.id.value);
  }
  return names;
}

/** Every `it(…)` title of the test files (the rehearsal names a legend refers to). */
function testTitles(): string {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith(".test.ts") ? [join(dir, d.name)] : [],
    );
  return files(join(root, "test"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n")
    .replace(/\s+/g, " ");
}

describe("traceability tables", () => {
  const names = knownNames();
  const titles = testTitles();

  it.each(tables)("%s: each rehearsal of the legend names a test that exists", (table) => {
    const text = readFileSync(join(root, "docs", "runbooks", table), "utf8");
    const legend = text.slice(
      text.indexOf("## Rehearsals (legend)"),
      text.indexOf("\n## ", text.indexOf("## Rehearsals (legend)") + 3),
    );
    const rows = [...legend.matchAll(/^\| ([A-Z]\d+b?) \| (.+) \|$/gm)];
    for (const [, id, name] of rows) {
      // Rows pointing at another file name it in a link; the others are `it(…)` titles, possibly with a note.
      if (name?.includes("`test/") || name?.includes("](../../test/")) continue;
      const title = (name ?? "").replace(
        / \((compose|operator|a rollout that fails after helm succeeded)\)$/,
        "",
      );
      expect(titles.includes(title), `${table} ${id}: no test named "${title}"`).toBe(true);
    }
  });

  it.each(tables)("%s: every step a row names exists, and every row has a step or says why not", (table) => {
    const text = readFileSync(join(root, "docs", "runbooks", table), "utf8");
    const rows = [...text.matchAll(/^\| (\d{3}-\d+) \| (.*)$/gm)];
    expect(rows.length).toBeGreaterThan(9);
    for (const [, id, rest] of rows) {
      const cols = (rest ?? "").split(/(?<!\\)\|/).map((c) => c.trim());
      const status = cols.at(-2) ?? "";
      const stepCols = table.startsWith("upgrade-safely") ? cols.slice(1, 4) : cols.slice(1, 2);
      const stepText = stepCols.join(" ");
      if (!status.startsWith("n/a"))
        expect(/`[A-Za-z*]/.test(stepText), `${table} ${id}: no step, and the status does not say why`).toBe(
          true,
        );
      // `*Ledger` stands for each service's step of that name.
      for (const [, suffix] of stepText.matchAll(/`\*([A-Za-z]+)`/g))
        expect(
          [...names].some((n) => n.endsWith(suffix ?? "-")),
          `${table} ${id}: no step ends in ${suffix}`,
        ).toBe(true);
      for (const [, token] of stepText.matchAll(/`([a-z][A-Za-z0-9.]*)`/g)) {
        if (!token || (token.includes(".") && !names.has(token))) continue;
        expect(
          names.has(token),
          `${table} ${id}: \`${token}\` is no step, suite, param or action of runbooks/`,
        ).toBe(true);
      }
      expect(status, `${table} ${id}`).toMatch(/^(covered|partial: |missing: |n\/a: )/);
    }
  });
});
