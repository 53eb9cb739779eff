// A completion right after an edit answers from the last analysis rebased onto the new text: wherever it does,
// it must offer exactly what a full load of the new text offers, and it must decline every edit that could
// change what YAML reads (a line break, a comment, a `key: `, a quote, a flow collection).
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { Analysis } from "../../src/lsp/analysis.js";
import { completeExpression } from "../../src/lsp/complete-expression.js";
import { exprCursorAt } from "../../src/lsp/expr-cursor.js";
import { rebasedCursor } from "../../src/lsp/quick-cursor.js";
import { fixtureRunbook } from "./client.js";

const head = "apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: t, version: 1.0.0, owners: [a] }\n";
const body = `params:
  - { name: target, type: string }
phases:
  - name: p
    steps:
      - id: probe
        action: http.check
        with: { url: "https://example.test/" }
      - id: next
        when: has(steps.probe.output) && steps.probe.output
        action: http.check
        with:
          url: "https://example.test/\${{ params.target }}"
        expect:
          - that: >-
              steps.next.output.status == 200 &&
              steps.probe.output
          - that: "steps.probe.output.status == 200"
          - that: [steps.probe.output]
`;

/** What a full load of `text` offers at `offset`, as labels with their replaced ranges. */
function full(file: string, text: string, offset: number): string[] | undefined {
  const a = new Analysis(file, 2, text, builtinCatalog);
  const c = exprCursorAt(a.sites, offset);
  return c && completeExpression(a, c).map((i) => `${i.label}@${JSON.stringify(i.textEdit)}`);
}

/** What the quick path offers at `offset` of `after`, from the analysis of `before`; undefined when it declines. */
function quick(file: string, before: string, after: string, offset: number): string[] | undefined {
  const old = new Analysis(file, 1, before, builtinCatalog);
  const q = rebasedCursor(old, after, () => offset);
  return (
    q && completeExpression(old, q.cursor, q.source).map((i) => `${i.label}@${JSON.stringify(i.textEdit)}`)
  );
}

/** `text` with `insert` typed at the end of the first `anchor`; the offset after it. */
function typed(text: string, anchor: string, insert: string, remove = 0): { after: string; offset: number } {
  const at = text.indexOf(anchor) + anchor.length;
  expect(at).toBeGreaterThanOrEqual(anchor.length);
  return { after: text.slice(0, at - remove) + insert + text.slice(at), offset: at - remove + insert.length };
}

describe("completion from the last analysis", () => {
  const text = head + body;

  it("answers a `.` typed at the end of a plain guard exactly as a full load does", () => {
    const { after, offset } = typed(text, "&& steps.probe.output", ".");
    const got = quick("t.rb.yaml", text, after, offset);
    expect(got?.some((l) => l.startsWith("status@"))).toBe(true);
    expect(got).toEqual(full("t.rb.yaml", after, offset));
  });

  it("answers inside a template, a double-quoted string and a folded block", () => {
    for (const [anchor, insert] of [
      ["${{ params.", "tar"],
      ['"steps.probe.output', "."],
      ["              steps.probe.output", "."],
    ] as const) {
      const { after, offset } = typed(text, anchor, insert);
      const got = quick("t.rb.yaml", text, after, offset);
      expect(got, anchor).toBeDefined();
      expect(got, anchor).toEqual(full("t.rb.yaml", after, offset));
    }
  });

  it("moves the sites after an edit elsewhere, and keeps the ones before it", () => {
    const edit = typed(text, "has(steps.probe.output) && steps.probe.output", " && true");
    const later = edit.after.indexOf('"steps.probe.output') + '"steps.probe.output'.length;
    const withDot = `${edit.after.slice(0, later)}.${edit.after.slice(later)}`;
    const before = `${text.slice(0, text.indexOf('"steps.probe.output') + 19)}.${text.slice(text.indexOf('"steps.probe.output') + 19)}`;
    expect(quick("t.rb.yaml", before, withDot, later + 1)).toEqual(full("t.rb.yaml", withDot, later + 1));
    const earlier = withDot.indexOf("${{ params.") + "${{ params.".length;
    expect(quick("t.rb.yaml", before, withDot, earlier)).toEqual(full("t.rb.yaml", withDot, earlier));
  });

  it("declines edits that could change what YAML reads", () => {
    for (const [anchor, insert, remove] of [
      ["&& steps.probe.output", " #", 0], // a comment
      ["&& steps.probe.output", ": x", 0], // a key
      ["&& steps.probe.output", "\n", 0], // a line break
      ["&& steps.probe.output", "'", 0], // a quote
      ["&& steps.probe.output", " ", 0], // a trailing space YAML trims
      ["when: ", "x", 0], // the first character of a plain scalar
      ["[steps.probe.output", ".", 0], // inside a flow sequence
      ["      - id: probe", "d", 0], // outside any expression
      ["${{ params.target ", "}", 0], // a template brace
      ['"https://example.test/', "\\", 0], // an escape
    ] as const) {
      const { after, offset } = typed(text, anchor, insert, remove);
      expect(quick("t.rb.yaml", text, after, offset), JSON.stringify([anchor, insert])).toBeUndefined();
    }
  });

  it("agrees with a full load at the end of every expression of the product runbooks", () => {
    for (const name of ["scrydon.rb.yaml", "alexandria.rb.yaml"]) {
      const rb = fixtureRunbook(name);
      const a = new Analysis(rb.path, 1, rb.text, builtinCatalog);
      let answered = 0;
      let typable = 0;
      for (const s of a.sites) {
        const end = s.text.offsets[s.text.text.length] as number;
        const after = `${rb.text.slice(0, end)}.${rb.text.slice(end)}`;
        const wanted = full(rb.path, after, end + 1);
        if (wanted) typable++;
        const q = rebasedCursor(a, after, () => end + 1);
        if (!q) continue;
        answered++;
        const mine = completeExpression(a, q.cursor, q.source).map(
          (i) => `${i.label}@${JSON.stringify(i.textEdit)}`,
        );
        expect(mine, `${name} at ${end}`).toEqual(wanted);
      }
      // Where a full load finds an expression at the cursor, the quick path must answer nearly always.
      expect(answered, name).toBeGreaterThan(typable * 0.9);
    }
  });
});
