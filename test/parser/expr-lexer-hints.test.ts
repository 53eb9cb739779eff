// The lexer's start-character hints (which skip chevrotain's regex analysis at start-up) change nothing: the
// same corpus lexes to the same tokens and errors with the hints as with chevrotain's own analysis.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ILexingResult } from "chevrotain";
import { describe, expect, it } from "vitest";
import { chevrotain } from "../../src/parser/expr/chevrotain.js";
import { buildTokens } from "../../src/parser/expr/tokens.js";
import { extreme, genExpr, mutate, noise, rng } from "../expr/fuzz-gen.js";

const casesPath = fileURLToPath(new URL("../data/cel-spec/cel-cases.json", import.meta.url));

function lexer(hints: boolean) {
  const chev = chevrotain();
  const lx = new chev.Lexer(buildTokens(chev, { hints }).all, {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
  });
  return (text: string) => shape(lx.tokenize(text));
}

function shape(r: ILexingResult): string[] {
  return [
    ...r.tokens.map((t) => `${t.tokenType.name}@${t.startOffset}:${t.image}`),
    ...r.errors.map((e) => `error@${e.offset}+${e.length}`),
  ];
}

function corpus(): string[] {
  const out: string[] = [];
  for (const c of JSON.parse(readFileSync(casesPath, "utf8")) as { expr: string }[]) out.push(c.expr);
  // Every printable ASCII character alone, after a letter, before a digit and in a string.
  for (let code = 0; code < 128; code++) {
    const ch = String.fromCharCode(code);
    out.push(ch, `a${ch}`, `${ch}1`, `${ch}${ch}`, `'${ch}'`, `.${ch}5`);
  }
  const r = rng(20261121);
  for (let i = 0; i < 4000; i++) {
    const e = genExpr(r, 4);
    out.push(e, mutate(r, e), noise(r));
  }
  for (let i = 0; i < 200; i++) out.push(extreme(r));
  return out;
}

describe("expression lexer start-character hints", () => {
  it("lex a corpus exactly as chevrotain's own analysis of the patterns does", () => {
    const hinted = lexer(true);
    const analysed = lexer(false);
    const texts = corpus();
    expect(texts.length).toBeGreaterThan(12_000);
    let differing = 0;
    for (const text of texts) {
      const a = hinted(text);
      const b = analysed(text);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        differing++;
        expect({ text, tokens: a }).toEqual({ text, tokens: b });
      }
    }
    expect(differing).toBe(0);
  });
});
