// docs/runbooks/<product>.md are generated from the runbooks: the committed pages must match the generator's output.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error the generator is a plain ES module script (scripts/*.js) without type declarations
import { renderAll } from "../../scripts/gen-runbook-docs.js";

interface Page {
  product: string;
  page: string;
  markdown: string;
}

describe("docs/runbooks pages", () => {
  it("are up to date with the runbooks (regenerate: npm run build && node scripts/gen-runbook-docs.js)", async () => {
    const pages = (await renderAll()) as Page[];
    expect(pages.map((p) => p.product)).toEqual([
      "scrydon",
      "kryton",
      "alexandria",
      "scrydon-rerun-migrations",
    ]);
    for (const p of pages) expect(readFileSync(p.page, "utf8"), p.page).toBe(p.markdown);
  });

  it("carry every param, every phase and the recovery choices of each boundary", async () => {
    const pages = (await renderAll()) as Page[];
    for (const p of pages) {
      expect(p.markdown).toContain("## Params");
      expect(p.markdown).toContain("## Rehearse it in the lab");
      if (p.product === "scrydon-rerun-migrations") continue;
      expect(p.markdown).toContain("rollback boundary");
      expect(p.markdown).toContain("`rbx resume RUN`");
      expect(p.markdown).toContain("`rbx skip RUN STEP --reason …`");
      expect(p.markdown).toContain("`rbx rollback RUN`");
    }
  });
});
