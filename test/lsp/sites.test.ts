// The server's expression contexts agree with the checker's: on the real runbooks (which check clean), every
// expression checks clean in the environment the server gives it, and reads only steps its view says ran.
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { analyze } from "../../src/check/analyze.js";
import { stepRefs } from "../../src/check/run-order.js";
import { Analysis } from "../../src/lsp/analysis.js";
import { piecesOf } from "../../src/lsp/sites.js";
import { sliceSource } from "../../src/parser/expr/positions.js";
import { fixtureRunbook, runbook } from "./client.js";

describe("expression sites", () => {
  for (const name of [
    "scrydon.rb.yaml",
    "kryton.rb.yaml",
    "alexandria.rb.yaml",
    "examples/guarded-migration.rb.yaml",
  ]) {
    it(`check clean in the server's context: ${name}`, () => {
      const rb = runbook(name);
      const a = new Analysis(rb.path, 1, rb.text, builtinCatalog);
      expect(a.loaded.runbook).toBeDefined();
      expect(a.sites.length).toBeGreaterThan(5);
      let steps = 0;
      for (const site of a.sites) {
        for (const piece of piecesOf(site)) {
          const source = sliceSource(site.text, piece.start, piece.end);
          const r = analyze(source, site.env);
          expect(r.diagnostics, `${site.role} ${site.text.text}`).toEqual([]);
          if (!r.ok) continue;
          for (const ref of stepRefs(r.ast)) {
            steps++;
            expect(site.ran.has(ref.id) || ref.id === site.self, `${ref.id} in ${site.text.text}`).toBe(true);
          }
        }
      }
      if (name !== "examples/guarded-migration.rb.yaml") expect(steps).toBeGreaterThan(5);
    });
  }

  it("gives a step's own id and output only where its output is judged", () => {
    const rb = fixtureRunbook("scrydon.rb.yaml");
    const a = new Analysis(rb.path, 1, rb.text, builtinCatalog);
    const history = a.sites.filter((s) => s.step?.step.id?.value === "history");
    expect(history.map((s) => s.role).sort()).toEqual(["expect", "message", "template"]);
    for (const s of history) {
      const judged = s.role === "expect" || s.role === "message";
      expect(s.self).toBe(judged ? "history" : undefined);
      expect("output" in s.env.variables).toBe(judged);
    }
  });
});
