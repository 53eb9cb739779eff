// The offset map of every scalar style: decoded text equals YAML's, and characters land on the right line:col.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isScalar, parseDocument, type Scalar, visit } from "yaml";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { alignOffsets, decodeScalar, decodeScalarStyle } from "../../src/parser/scalar-source.js";

function scalarAt(text: string, key = "v"): Scalar {
  const doc = parseDocument(text, { keepSourceTokens: true });
  expect(doc.errors).toEqual([]);
  const node = doc.get(key, true);
  if (!isScalar(node)) throw new Error("not a scalar");
  return node;
}

/** Where (line:col) the i-th decoded unit of `v` sits in the file. */
function whereIs(text: string, index: number): string {
  const node = scalarAt(text);
  const d = decodeScalar(node, text);
  expect(d.text).toBe(node.value);
  const p = new SourceFile("f", text).position(d.offsets[index] as number);
  return `${p.line}:${p.column}`;
}

/** Every decoded unit that is not produced by an escape or by folding is the same character in the file. */
function expectFaithful(text: string, key = "v"): void {
  const node = scalarAt(text, key);
  const d = decodeScalarStyle(node, text);
  expect(d.text).toBe(String(node.value));
  expect(d.offsets.length).toBe(d.text.length + 1);
  for (let i = 0; i < d.text.length; i++) {
    const at = d.offsets[i] as number;
    expect(at).toBeGreaterThanOrEqual(node.range?.[0] ?? 0);
    expect(at).toBeLessThan(node.range?.[1] ?? 0);
    const ch = d.text[i] as string;
    const raw = text[at] as string;
    if (ch !== " " && ch !== "\n" && raw !== "\\" && raw !== "'") expect(raw).toBe(ch);
  }
}

describe("decodeScalar offsets", () => {
  it("plain scalars, including multi-line folding", () => {
    const text = "v: params.a == 1 &&\n   params.b\n";
    expect(whereIs(text, 0)).toBe("1:4");
    // "params.a == 1 && params.b": the "b" of the second line.
    expect(whereIs(text, "params.a == 1 && params.".length)).toBe("2:11");
    expectFaithful(text);
  });

  it("single-quoted with '' escapes and folding", () => {
    const text = "v: 'it''s ${{ x }}\n  next'\n";
    expect(whereIs(text, 3)).toBe("1:9"); // "s" after the escaped quote
    expect(whereIs(text, "it's ${{ x }} n".length)).toBe("2:4");
    expectFaithful(text);
  });

  it("double-quoted with escapes, unicode and escaped line breaks", () => {
    const text = 'v: "a\\tb\\u00e9\\"c \\\n   d\\U0001F600e\n\n  f"\n';
    const node = scalarAt(text);
    const d = decodeScalar(node, text);
    expect(d.text).toBe('a\tbé"c d😀e\nf');
    expect(whereIs(text, 1)).toBe("1:6"); // \t at its backslash
    expect(whereIs(text, 3)).toBe("1:9"); // é at \u00e9
    expect(whereIs(text, 7)).toBe("2:4"); // d
    expect(whereIs(text, 8)).toBe("2:5"); // high surrogate at \U
    expect(whereIs(text, 9)).toBe("2:5"); // low surrogate at \U
    expect(whereIs(text, 10)).toBe("2:15"); // e
    expect(whereIs(text, 12)).toBe("4:3"); // f
    expectFaithful(text);
  });

  it("literal block scalars with clip, strip, keep and indentation indicators", () => {
    const text = "v: |\n  one\n    two\n\n  three\nw: x\n";
    expect(whereIs(text, 0)).toBe("2:3");
    expect(whereIs(text, "one\n  ".length)).toBe("3:5");
    expect(whereIs(text, "one\n  two\n\n".length)).toBe("5:3");
    expectFaithful(text);
    expectFaithful("v: |-\n  a\n  b\n\n");
    expectFaithful("v: |+\n  a\n  b\n\n\nw: 1\n");
    const ind = "v: |2-\n   lead\n  x\n";
    expect(whereIs(ind, 0)).toBe("2:3");
    expectFaithful(ind);
  });

  it("folded block scalars, including more-indented lines", () => {
    const text = "v: >\n  one\n  two\n\n  three\n    code\n  end\n";
    const node = scalarAt(text);
    expect(decodeScalar(node, text).text).toBe("one two\nthree\n  code\nend\n");
    expect(whereIs(text, "one two\nthree\n  ".length)).toBe("6:5");
    expectFaithful(text);
    expectFaithful("v: >-\n  a\n  b\n");
    expectFaithful("v: >+\n  a\n\n");
  });

  it("block scalars in sequences and nested maps", () => {
    const text = "v:\n  - k: |\n      deep ${{ a }}\n      more\n";
    const doc = parseDocument(text, { keepSourceTokens: true });
    const scalars: Scalar[] = [];
    visit(doc, { Scalar: (_k, n) => void scalars.push(n) });
    const block = scalars.find((s) => s.type === "BLOCK_LITERAL") as Scalar;
    const d = decodeScalar(block, text);
    expect(d.text).toBe("deep ${{ a }}\nmore\n");
    const p = new SourceFile("f", text).position(d.offsets[5] as number);
    expect(`${p.line}:${p.column}`).toBe("3:12");
  });

  it("CRLF line endings", () => {
    expectFaithful("v: |\r\n  a\r\n  b\r\n");
    expectFaithful('v: "a\r\n  b"\r\n');
  });

  it("matches YAML's own decoding for generated scalars of every style", () => {
    const word = fc.stringMatching(/^[a-z][a-z$.{} ]{0,6}[a-z]$/);
    const lines = fc.array(
      fc.oneof(
        word,
        fc.constant(""),
        word.map((w) => `  ${w}`),
      ),
      { minLength: 1, maxLength: 6 },
    );
    const header = fc.constantFrom("|", ">", "|-", ">-", "|+", ">+", "|2", ">2-");
    fc.assert(
      fc.property(header, lines, (h, ls) => {
        if (ls.every((l) => l === "")) return;
        if (/[1-9]/.test(h) && (ls.find((l) => l !== "") ?? "").startsWith(" ")) return;
        const text = `v: ${h}\n${ls.map((l) => (l === "" ? "" : `  ${l}`)).join("\n")}\nw: 1\n`;
        const doc = parseDocument(text, { keepSourceTokens: true });
        if (doc.errors.length > 0) return;
        expectFaithful(text);
      }),
      { numRuns: 300 },
    );
    const flow = fc.array(fc.oneof(word, fc.constant("")), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom("'", '"'), flow, (q, ls) => {
        const text = `v: ${q}${ls.join("\n   ")}${q}\n`;
        const doc = parseDocument(text, { keepSourceTokens: true });
        if (doc.errors.length > 0) return;
        expectFaithful(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("alignOffsets", () => {
  it("maps each decoded unit to the next equal character of the source", () => {
    const d = alignOffsets("x: a  b", "a b", 3, 7);
    expect(d.offsets).toEqual([3, 4, 6, 7]);
  });
});
